"""What can be added to a project: components (infrastructure) and services (business).

The CLI keeps no list of its own. Each package on the Aegis index says what it is in its own
metadata (see `aegis_cli.offers`): kind, summary, the components it requires, its options and
the infrastructure it needs. So a first-party package and a third-party one published to the
same index are added the same way, and a new component needs no new aegis-cli.

A command chooses the index once (`use_index`: the project's own, or for `aegis init` the one
`resolve_index` finds); the catalog is read from it on first use and kept for the command.
Components already recorded in the project's manifest are known even when the index cannot be
reached, so `remove` and `status` work offline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from aegis_cli.index import AegisIndex
    from aegis_cli.lifecycle.project import Project
    from aegis_cli.offers import Offer

Kind = Literal["component", "service"]


@dataclass(frozen=True)
class CatalogEntry:
    name: str
    kind: Kind
    summary: str
    requires: tuple[str, ...] = ()
    needs_infra: str = ""
    """Infrastructure the component brings in compose (not another Aegis component)."""
    options: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Bracket options (`scheduler[sqlite]`) and the components each one requires."""
    built: bool = True
    """False for a placeholder published ahead of its code: listed, never added."""
    version: str = ""
    """The newest version on the index ('' when known only from the project)."""

    @property
    def package(self) -> str:
        return f"aegis-{self.name}"


@dataclass
class _State:
    index: AegisIndex | None = None
    known: dict[str, CatalogEntry] = field(default_factory=dict)
    """Entries known without the index (the project's manifest records)."""
    loaded: tuple[CatalogEntry, ...] | None = None


_state = _State()


def use_index(index: AegisIndex | None, known: tuple[CatalogEntry, ...] = ()) -> None:
    """Read the catalog from `index` from now on; `known` entries serve if it is unreachable."""
    global _state
    _state = _State(index, {e.name: e for e in known})


def use_entries(entries: tuple[CatalogEntry, ...]) -> None:
    """A fixed catalog, read from no index (unit tests of the planning logic)."""
    use_index(None)
    _state.loaded = tuple(sorted(entries, key=lambda e: (e.kind, e.name)))


def use_project(project: Project) -> None:
    """Read the catalog from the project's own index, knowing what its manifest records."""
    from aegis_cli.errors import AegisError
    from aegis_cli.lifecycle.manifest import load
    from aegis_cli.lifecycle.published_templates import project_index

    try:
        records = load(project.root).components
    except AegisError:
        records = {}  # a damaged manifest is reported by the command that reads it
    known = tuple(
        CatalogEntry(name, "service" if r.kind == "service" else "component", "")
        for name, r in records.items()
    )
    use_index(project_index(project), known)


def catalog() -> tuple[CatalogEntry, ...]:
    """Every entry the index offers (plus those only the project knows), by kind and name."""
    if _state.loaded is None:
        offered = {e.name: e for e in _read_index()}
        merged = {**_state.known, **offered}
        _state.loaded = tuple(sorted(merged.values(), key=lambda e: (e.kind, e.name)))
    return _state.loaded


def entry(name: str) -> CatalogEntry | None:
    return next((e for e in catalog() if e.name == name), None)


def entries(kind: Kind) -> tuple[CatalogEntry, ...]:
    return tuple(e for e in catalog() if e.kind == kind)


def from_offer(offer: Offer) -> CatalogEntry:
    return CatalogEntry(
        name=offer.name,
        kind=offer.kind,
        summary=offer.summary,
        requires=offer.requires,
        needs_infra=", ".join(offer.needs),
        options=dict(offer.options),
        built=offer.built,
        version=offer.version,
    )


def _read_index() -> list[CatalogEntry]:
    from aegis_cli.errors import AegisError
    from aegis_cli.index import resolve_index
    from aegis_cli.offers import read_offers

    if _state.index is None:
        _state.index = resolve_index()
    try:
        return [from_offer(o) for o in read_offers(_state.index)]
    except AegisError:
        if _state.known:
            return []  # offline: what the project records still works (remove, status)
        raise


def command(verb: Literal["add", "remove"], catalog_entry: CatalogEntry, spec: str = "") -> str:
    """The `aegis` command line that adds or removes an entry: services have their own verbs
    (`add-service`), and a spec with brackets is quoted so a shell does not glob it."""
    suffix = "-service" if catalog_entry.kind == "service" else ""
    target = spec or catalog_entry.name
    if "[" in target:
        target = f"'{target}'"
    return f"aegis {verb}{suffix} {target}"
