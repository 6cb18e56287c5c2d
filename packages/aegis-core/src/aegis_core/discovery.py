"""Find the installed Aegis components and decide which of them may load.

What a component is called, its version, kind, description and the aegis-core range it
supports come from its entry point and its distribution's metadata (written once, in its
pyproject); the `Component` object the entry point names holds only its parts.

A component is *not* loaded when it fails to import, is not a `Component`, supports another
aegis-core range, needs a component that is not loaded, or is filtered out by
`AEGIS_COMPONENTS`. Each such case becomes a `ComponentProblem` that the log, `/health/detailed`
and `<slug> components` report, so one broken plugin never takes the app down.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from importlib.metadata import Distribution, EntryPoint, entry_points

from aegis_core._version import __version__ as core_version
from aegis_core.component import ENTRY_POINT_GROUP, Component, ComponentKind

logger = logging.getLogger("aegis.discovery")

ENABLED_ENV = "AEGIS_COMPONENTS"


class ProblemKind(StrEnum):
    BROKEN = "broken"
    INCOMPATIBLE = "incompatible"
    MISSING_REQUIREMENT = "missing-requirement"
    DISABLED = "disabled"


@dataclass(frozen=True)
class ComponentProblem:
    name: str
    package: str
    kind: ProblemKind
    message: str
    version: str | None = None


@dataclass(frozen=True, kw_only=True)
class LoadedComponent:
    """An installed component that loaded: what its distribution says, and its parts."""

    name: str
    """The entry point's name, e.g. ``"worker"``: CLI group, health entry, `requires` key."""
    package: str
    """The distribution that provides it, e.g. ``"aegis-worker"``."""
    version: str
    """The distribution's version, e.g. ``"0.1.0"``."""
    supports_core: str
    """The distribution's requirement on aegis-core, e.g. ``"<0.2,>=0.1"`` (empty: any)."""
    kind: ComponentKind
    """``"service"`` when the distribution's keywords say `aegis-service`."""
    description: str
    """The distribution's summary (its pyproject `description`)."""
    component: Component
    """The object the entry point names: settings, health check, routers, CLI hook, …"""
    requires: tuple[str, ...] = ()
    """Other components that must be loaded for this one, e.g. ``("database",)``: those whose
    distributions its distribution depends on (no extra), as its pyproject says once."""


@dataclass(frozen=True)
class DiscoveredComponents:
    active: tuple[LoadedComponent, ...]
    problems: tuple[ComponentProblem, ...]

    def get(self, name: str) -> Component | None:
        """The parts of the loaded component `name`, or None when it is not loaded."""
        return next((c.component for c in self.active if c.name == name), None)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.active)


def enabled_names_from_env() -> frozenset[str] | None:
    """`AEGIS_COMPONENTS=a,b` loads only a and b; `none` (or empty) loads none; unset: all."""
    raw = os.environ.get(ENABLED_ENV)
    if raw is None:
        return None
    names = {part.strip() for part in raw.split(",") if part.strip()}
    return frozenset() if names <= {"none"} else frozenset(names)


def discover_components(enabled: frozenset[str] | None = None) -> DiscoveredComponents:
    """Load every `aegis.components` entry point that passes the checks above."""
    if enabled is None:
        enabled = enabled_names_from_env()
    return _discover(enabled)


@lru_cache(maxsize=8)
def _discover(enabled: frozenset[str] | None) -> DiscoveredComponents:
    candidates: list[LoadedComponent] = []
    problems: list[ComponentProblem] = []
    installed = sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name)
    providers = _components_by_distribution(installed)
    for ep in installed:
        package = _package_of(ep)
        if enabled is not None and ep.name not in enabled:
            problems.append(
                ComponentProblem(
                    ep.name, package, ProblemKind.DISABLED, f"not in {ENABLED_ENV}; not loaded"
                )
            )
            continue
        loaded = _load(ep, package, providers)
        if isinstance(loaded, ComponentProblem):
            problems.append(loaded)
        else:
            candidates.append(loaded)

    active, missing = _resolve_requirements(candidates, problems)
    problems.extend(missing)
    for problem in problems:
        if problem.kind is not ProblemKind.DISABLED:
            logger.warning("component %s not loaded: %s", problem.name, problem.message)
    return DiscoveredComponents(tuple(active), tuple(problems))


def clear_cache() -> None:
    """Forget what was discovered: for tests and tools that install packages at runtime."""
    _discover.cache_clear()


def _canonical_name(name: str) -> str:
    """A distribution's name as package indexes compare it (PEP 503), without importing
    `packaging.utils`, whose imports cost ~12 ms at every start of a project."""
    return _SEPARATORS.sub("-", name).lower()


_SEPARATORS = re.compile(r"[-_.]+")


def _package_of(ep: EntryPoint) -> str:
    return ep.dist.name if ep.dist is not None else ep.value.split(":")[0]


def _components_by_distribution(installed: list[EntryPoint]) -> dict[str, tuple[str, ...]]:
    """Which component names each installed distribution provides, by its canonical name."""
    providers: dict[str, tuple[str, ...]] = {}
    for ep in installed:
        if ep.dist is not None:
            key = _canonical_name(ep.dist.name)
            providers[key] = (*providers.get(key, ()), ep.name)
    return providers


def _load(
    ep: EntryPoint, package: str, providers: dict[str, tuple[str, ...]]
) -> LoadedComponent | ComponentProblem:
    # Only a component to load needs the requirement parser (~35 ms of imports at each start).
    from packaging.requirements import InvalidRequirement

    version = ep.dist.version if ep.dist is not None else ""
    try:
        supports_core = _core_range(ep.dist)
        requires = _required_components(ep.dist, providers)
    except InvalidRequirement as exc:
        message = f"declares an invalid requirement: {exc}"
        return ComponentProblem(ep.name, package, ProblemKind.BROKEN, message, version)
    incompatibility = _core_incompatibility(ep.name, package, version, supports_core)
    if incompatibility is not None:  # said before importing code written for another core
        return incompatibility
    try:
        obj = ep.load()
    except Exception as exc:  # a broken plugin is reported, never fatal
        message = f"failed to import {ep.value}: {type(exc).__name__}: {exc}"
        return ComponentProblem(ep.name, package, ProblemKind.BROKEN, message, version)
    if not isinstance(obj, Component):
        message = f"{ep.value} is a {type(obj).__name__}, not an aegis_core.Component"
        return ComponentProblem(ep.name, package, ProblemKind.BROKEN, message, version)
    return LoadedComponent(
        name=ep.name,
        package=package,
        version=version,
        supports_core=supports_core,
        kind=_kind(ep.dist),
        description=_summary(ep.dist),
        component=obj,
        requires=requires,
    )


def _core_range(dist: Distribution | None) -> str:
    """The aegis-core range `dist` requires (its pyproject dependency), or "" for none."""
    from packaging.requirements import Requirement

    for raw in (dist.requires if dist is not None else None) or []:
        requirement = Requirement(raw)
        if requirement.name == "aegis-core" and requirement.marker is None:
            return str(requirement.specifier)
    return ""


def _required_components(
    dist: Distribution | None, providers: dict[str, tuple[str, ...]]
) -> tuple[str, ...]:
    """The installed components `dist` depends on unconditionally (an extra's are options)."""
    from packaging.requirements import Requirement

    names: list[str] = []
    for raw in (dist.requires if dist is not None else None) or []:
        requirement = Requirement(raw)
        if requirement.marker is None:
            names.extend(providers.get(_canonical_name(requirement.name), ()))
    return tuple(names)


def _kind(dist: Distribution | None) -> ComponentKind:
    keywords = _metadata_field(dist, "Keywords").replace(",", " ").split()
    return "service" if "aegis-service" in keywords else "component"


def _summary(dist: Distribution | None) -> str:
    return _metadata_field(dist, "Summary")


def _metadata_field(dist: Distribution | None, field: str) -> str:
    """One field of the distribution's metadata; "" when it or the field is absent."""
    if dist is None:
        return ""
    return str(dist.metadata[field] or "") if field in dist.metadata else ""


def _core_incompatibility(
    name: str, package: str, version: str, supports_core: str
) -> ComponentProblem | None:
    """Say exactly what to upgrade when this component does not support the installed core."""
    from packaging.specifiers import SpecifierSet

    supported = SpecifierSet(supports_core)
    if supported.contains(core_version, prereleases=True):
        return None
    message = (
        f"{package} {version} supports aegis-core {supported} but {core_version} is "
        f"installed; upgrade {package} to a release that supports aegis-core {core_version} "
        f"(uv lock --upgrade-package {package}) or move aegis-core into {supported}"
    )
    return ComponentProblem(name, package, ProblemKind.INCOMPATIBLE, message, version)


def _resolve_requirements(
    candidates: list[LoadedComponent], earlier: list[ComponentProblem]
) -> tuple[list[LoadedComponent], list[ComponentProblem]]:
    """Drop components whose requirements are not loaded, repeating until stable."""
    active = list(candidates)
    problems: list[ComponentProblem] = []
    changed = True
    while changed:
        changed = False
        names = {c.name for c in active}
        for loaded in list(active):
            missing = [r for r in loaded.requires if r not in names]
            if missing:
                active.remove(loaded)
                problems.append(
                    ComponentProblem(
                        loaded.name,
                        loaded.package,
                        ProblemKind.MISSING_REQUIREMENT,
                        _missing_message(missing, [*earlier, *problems]),
                        loaded.version,
                    )
                )
                changed = True
    return active, problems


def _missing_message(missing: list[str], problems: list[ComponentProblem]) -> str:
    """Say how to fix it: enable what is filtered out, repair what failed to load.

    A required component is always installed (it is a dependency of this one's distribution),
    so it is either loaded or one of `problems`."""
    kinds = {p.name: p.kind for p in problems}
    off = [m for m in missing if kinds.get(m) is ProblemKind.DISABLED]
    failed = [m for m in missing if m not in off]
    fixes = []
    if off:
        fixes.append(f"add {', '.join(off)} to {ENABLED_ENV}")
    if failed:
        fixes.append(f"fix {', '.join(failed)}, which failed to load")
    return f"needs {', '.join(missing)}, which is not loaded ({'; '.join(fixes)})"
