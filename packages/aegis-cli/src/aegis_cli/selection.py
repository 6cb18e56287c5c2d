"""Turn `--components worker,scheduler[sqlite]` into a checked, requirement-complete plan."""

from __future__ import annotations

import re
from dataclasses import dataclass

from packaging.requirements import InvalidRequirement, Requirement

from aegis_cli.catalog import CatalogEntry, Kind, catalog, entries, entry
from aegis_cli.errors import UsageError

NAME = re.compile(r"[a-z][a-z0-9_-]*")


@dataclass(frozen=True)
class Selected:
    entry: CatalogEntry
    options: tuple[str, ...] = ()
    required_by: str | None = None
    """Set when this entry was added because another one requires it."""

    @property
    def name(self) -> str:
        return self.entry.name

    @property
    def spec(self) -> str:
        return f"{self.name}[{','.join(self.options)}]" if self.options else self.name


def is_available(catalog_entry: CatalogEntry) -> bool:
    """Built, as its package says (a published placeholder is listed but never added)."""
    return catalog_entry.built


def available_names(kind: Kind) -> list[str]:
    return [e.name for e in entries(kind) if is_available(e)]


def parse(raw: str | None, kind: Kind) -> list[Selected]:
    """Parse a comma list; unknown or unavailable names are a UsageError listing valid ones."""
    if not raw:
        return []
    selected: list[Selected] = []
    for spec in _split(raw):
        name, options = _name_and_options(spec, kind)
        found = entry(name)
        valid = ", ".join(available_names(kind)) or "none yet"
        if found is not None and found.kind != kind:
            raise UsageError(
                f"unknown {kind} {name!r}: {name} is a {found.kind}",
                hint=f"{found.kind}s have their own commands (see `aegis {found.kind}s`)",
            )
        if found is None:
            raise UsageError(f"unknown {kind} {name!r}; valid {kind}s: {valid}")
        if not is_available(found):
            raise UsageError(f"{kind} {name!r} is not available yet; valid {kind}s: {valid}")
        unknown = [o for o in options if o not in found.options]
        if unknown:
            allowed = ", ".join(found.options) or "none"
            raise UsageError(f"{name} has no option {unknown[0]!r}; options: {allowed}")
        selected.append(Selected(found, options))
    return selected


def _name_and_options(spec: str, kind: Kind) -> tuple[str, tuple[str, ...]]:
    """`scheduler[sqlite]` is a PEP 508 requirement with extras: packaging parses it; a version,
    a URL or a marker has no meaning here and is refused like any other bad spec."""
    try:
        requirement = Requirement(spec)
    except InvalidRequirement:
        requirement = None
    if (
        requirement is None
        or requirement.specifier
        or requirement.url
        or requirement.marker
        or not NAME.fullmatch(requirement.name)
    ):
        raise UsageError(f"{spec!r} is not a {kind} name (use e.g. worker or scheduler[sqlite])")
    return requirement.name, tuple(sorted(requirement.extras))


def _split(raw: str) -> list[str]:
    """Split on commas that are not inside brackets: `scheduler[sqlite],worker`."""
    parts, depth, current = [], 0, ""
    for char in raw.replace(" ", ""):
        depth += {"[": 1, "]": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return [p for p in parts if p]


def with_requirements(selected: list[Selected]) -> list[Selected]:
    """Add what the selection requires (auth → database), requirements first, no duplicates."""
    ordered: dict[str, Selected] = {}

    def visit(item: Selected) -> None:
        needs = [*item.entry.requires]
        for option in item.options:
            needs += item.entry.options[option]
        for name in needs:
            if name not in ordered:
                required = entry(name)
                if required is None:  # the index lacks it: say so before anything is written
                    raise UsageError(
                        f"{item.name} requires {name}, which the Aegis index does not offer",
                        hint=f"publish aegis-{name} to the index (AEGIS_INDEX), or leave "
                        f"{item.name} out",
                    )
                visit(Selected(required, required_by=item.name))
        ordered.setdefault(item.name, item)

    for item in selected:
        visit(item)
    return list(ordered.values())


def catalog_rows(kind: Kind) -> list[dict[str, str]]:
    return [
        {
            "name": e.name,
            "summary": e.summary,
            "requires": ", ".join([*e.requires, *filter(None, [e.needs_infra])]) or "-",
            "package": e.package,
            "version": e.version or "-",
            "status": "available" if is_available(e) else "coming soon",
        }
        for e in catalog()
        if e.kind == kind
    ]
