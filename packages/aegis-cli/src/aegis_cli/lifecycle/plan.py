"""What `add` / `remove` would do, decided before anything is written.

What a project *has* comes from two places: its dependencies (the truth for what is
installed) and the manifest (what the CLI wrote). A component may be in either or both; the
plan fills in only the missing half, so `add` after a plain `uv add aegis-x` adds just the
stubs, and adding what is complete is a no-op.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from packaging.utils import canonicalize_name

from aegis_cli.catalog import CatalogEntry, catalog, command, entry
from aegis_cli.errors import UsageError
from aegis_cli.lifecycle.manifest import Manifest, Record
from aegis_cli.lifecycle.project import dependencies
from aegis_cli.selection import Selected, with_requirements


@dataclass(frozen=True)
class Present:
    """One component or service the project has, by dependency, by stubs, or both."""

    entry: CatalogEntry
    in_dependencies: bool
    record: Record | None

    @property
    def name(self) -> str:
        return self.entry.name

    @property
    def options(self) -> tuple[str, ...]:
        return tuple(self.record.options) if self.record else ()

    @property
    def spec(self) -> str:
        return f"{self.name}[{','.join(self.options)}]" if self.options else self.name


def present(manifest: Manifest, pyproject: dict[str, Any]) -> dict[str, Present]:
    """Everything the project has, keyed by name, in catalog order."""
    deps = dependencies(pyproject)
    found: dict[str, Present] = {}
    known = {e.name: e for e in catalog()}
    for name in [*known, *sorted(set(manifest.components) - set(known))]:
        record = manifest.components.get(name)
        catalog_entry = known.get(name) or _unlisted(name, record)
        in_deps = canonicalize_name(catalog_entry.package) in deps
        if in_deps or record is not None:
            found[name] = Present(catalog_entry, in_deps, record)
    return found


def _unlisted(name: str, record: Record | None) -> CatalogEntry:
    """A manifest entry this aegis-cli does not know (written by a newer one)."""
    if record is not None and record.kind == "service":
        return CatalogEntry(name, "service", "not in this aegis-cli's catalog")
    return CatalogEntry(name, "component", "not in this aegis-cli's catalog")


def needs(catalog_entry: CatalogEntry, options: tuple[str, ...]) -> list[str]:
    """Names this entry requires, with what its options bring (`scheduler[sqlite]` → database)."""
    required = [*catalog_entry.requires]
    for option in options:
        required += catalog_entry.options.get(option, ())
    return required


@dataclass(frozen=True)
class AddItem:
    selected: Selected
    add_package: bool
    add_stubs: bool
    new_options: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.selected.name

    @property
    def changes(self) -> bool:
        return self.add_package or self.add_stubs or bool(self.new_options)


def plan_add(requested: list[Selected], have: dict[str, Present], pins: set[str]) -> list[AddItem]:
    """Requirements first; for each, only the half that is missing (package and/or stubs).

    A package that is there but lost its pin to the Aegis index counts as missing: `uv add`
    with `--index aegis` is the one way to write the pin back.
    """
    items = []
    for selected in with_requirements(requested):
        current = have.get(selected.name)
        if current is None:
            items.append(AddItem(selected, True, True, selected.options))
            continue
        recorded = set(current.options)
        new_options = tuple(o for o in selected.options if o not in recorded)
        pinned = canonicalize_name(selected.entry.package) in pins
        add_package = not current.in_dependencies or not pinned
        items.append(AddItem(selected, add_package, current.record is None, new_options))
    return items


@dataclass(frozen=True)
class RemoveItem:
    present: Present

    @property
    def name(self) -> str:
        return self.present.name


def plan_remove(names: list[str], have: dict[str, Present]) -> tuple[list[RemoveItem], list[str]]:
    """The items to remove and the names that are not there; refuse to break a requirement."""
    removing = [have[n] for n in dict.fromkeys(names) if n in have]
    absent = [n for n in dict.fromkeys(names) if n not in have]
    gone = {p.name for p in removing}
    for other in have.values():
        if other.name in gone:
            continue
        broken = [n for n in needs(other.entry, other.options) if n in gone]
        if broken:
            because = f" (option {', '.join(other.options)})" if other.options else ""
            raise UsageError(
                f"cannot remove {broken[0]}: {other.name} needs it{because}",
                hint=f"remove {other.name} first (`{command('remove', other.entry)}`)",
            )
    return [RemoveItem(p) for p in removing], absent


def lookup(name: str) -> CatalogEntry:
    found = entry(name)
    if found is None:
        raise UsageError(f"unknown component or service {name!r}")
    return found
