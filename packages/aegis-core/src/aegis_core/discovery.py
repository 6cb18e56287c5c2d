"""Find the installed Aegis components and decide which of them may load.

A component is *not* loaded when it fails to import, is not a `Component`, supports another
aegis-core range, needs a component that is not loaded, or is filtered out by
`AEGIS_COMPONENTS`. Each such case becomes a `ComponentProblem` that the log, `/health/detailed`
and `<slug> components` report, so one broken plugin never takes the app down.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from importlib.metadata import EntryPoint, entry_points

from packaging.specifiers import InvalidSpecifier, SpecifierSet

from aegis_core._version import __version__ as core_version
from aegis_core.component import ENTRY_POINT_GROUP, Component

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


@dataclass(frozen=True)
class DiscoveredComponents:
    active: tuple[Component, ...]
    problems: tuple[ComponentProblem, ...]

    def get(self, name: str) -> Component | None:
        return next((c for c in self.active if c.name == name), None)

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
    candidates: list[tuple[Component, str]] = []
    problems: list[ComponentProblem] = []
    for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        package = _package_of(ep)
        if enabled is not None and ep.name not in enabled:
            problems.append(
                ComponentProblem(
                    ep.name, package, ProblemKind.DISABLED, f"not in {ENABLED_ENV}; not loaded"
                )
            )
            continue
        component, problem = _load(ep, package)
        if problem is not None:
            problems.append(problem)
        elif component is not None:
            candidates.append((component, package))

    active, missing = _resolve_requirements(candidates, problems)
    problems.extend(missing)
    for problem in problems:
        if problem.kind is not ProblemKind.DISABLED:
            logger.warning("component %s not loaded: %s", problem.name, problem.message)
    return DiscoveredComponents(tuple(active), tuple(problems))


def clear_cache() -> None:
    """Forget what was discovered: for tests and tools that install packages at runtime."""
    _discover.cache_clear()


def _package_of(ep: EntryPoint) -> str:
    return ep.dist.name if ep.dist is not None else ep.value.split(":")[0]


def _load(ep: EntryPoint, package: str) -> tuple[Component | None, ComponentProblem | None]:
    try:
        obj = ep.load()
    except Exception as exc:  # a broken plugin is reported, never fatal
        message = f"failed to import {ep.value}: {type(exc).__name__}: {exc}"
        return None, ComponentProblem(ep.name, package, ProblemKind.BROKEN, message)
    if not isinstance(obj, Component):
        message = f"{ep.value} is a {type(obj).__name__}, not an aegis_core.Component"
        return None, ComponentProblem(ep.name, package, ProblemKind.BROKEN, message)
    incompatibility = check_core_compatibility(obj, package)
    if incompatibility is not None:
        return None, incompatibility
    return obj, None


def check_core_compatibility(component: Component, package: str) -> ComponentProblem | None:
    """Say exactly what to upgrade when this component does not support the installed core."""
    try:
        supported = SpecifierSet(component.supports_core)
    except InvalidSpecifier:
        message = f"declares an invalid aegis-core range {component.supports_core!r}"
        return ComponentProblem(
            component.name, package, ProblemKind.BROKEN, message, component.version
        )
    if supported.contains(core_version, prereleases=True):
        return None
    message = (
        f"{package} {component.version} supports aegis-core {supported} but {core_version} is "
        f"installed; upgrade {package} to a release that supports aegis-core {core_version} "
        f"(uv lock --upgrade-package {package}) or move aegis-core into {supported}"
    )
    return ComponentProblem(
        component.name, package, ProblemKind.INCOMPATIBLE, message, component.version
    )


def _resolve_requirements(
    candidates: list[tuple[Component, str]], earlier: list[ComponentProblem]
) -> tuple[list[Component], list[ComponentProblem]]:
    """Drop components whose requirements are not loaded, repeating until stable."""
    active = list(candidates)
    problems: list[ComponentProblem] = []
    changed = True
    while changed:
        changed = False
        names = {c.name for c, _ in active}
        for component, package in list(active):
            missing = [r for r in component.requires if r not in names]
            if missing:
                active.remove((component, package))
                problems.append(
                    ComponentProblem(
                        component.name,
                        package,
                        ProblemKind.MISSING_REQUIREMENT,
                        _missing_message(missing, [*earlier, *problems]),
                        component.version,
                    )
                )
                changed = True
    return [c for c, _ in active], problems


def _missing_message(missing: list[str], problems: list[ComponentProblem]) -> str:
    """Say how to fix it: enable what is filtered out, repair what failed, add what is absent."""
    kinds = {p.name: p.kind for p in problems}
    off = [m for m in missing if kinds.get(m) is ProblemKind.DISABLED]
    failed = [m for m in missing if m in kinds and m not in off]
    absent = [m for m in missing if m not in kinds]
    fixes = []
    if off:
        fixes.append(f"add {', '.join(off)} to {ENABLED_ENV}")
    if failed:
        fixes.append(f"fix {', '.join(failed)}, which failed to load")
    if absent:
        fixes.append(f"aegis add {','.join(absent)}")
    return f"needs {', '.join(missing)}, which is not loaded ({'; '.join(fixes)})"
