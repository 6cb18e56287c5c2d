"""Which installed packages bring alembic revisions, found through an entry-point group.

A package that owns tables registers one module in its pyproject::

    [project.entry-points."aegis.migrations"]
    auth = "aegis_auth.migrations"

The entry-point name is the package's alembic **branch label**; its first revision says
`branch_labels = ("auth",)` and `down_revision = None`. The module's folder holds `versions/`.
Optional module attributes:

- `MODELS = ("aegis_auth.models",)`: imported before migrating, so `--autogenerate` in the
  project sees those tables and never proposes to drop them;
- `RUNTIME_TABLES = ("apscheduler_jobs",)`: tables the package creates itself at run time;
  autogenerate ignores them.

Entry points (not a field of the Component) because migrations must run even where a component is
not loaded (`AEGIS_COMPONENTS`, an incompatible core): the schema follows what is installed.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path

ENTRY_POINT_GROUP = "aegis.migrations"
PROJECT_BRANCH = "app"
"""Branch label of the project's own revisions (in `<project>/migrations/versions`)."""


class MigrationSourceError(RuntimeError):
    """A registered migration source is broken; the message names the package and the fix."""


@dataclass(frozen=True)
class MigrationSource:
    label: str
    package: str
    module: str
    versions: Path | None
    models: tuple[str, ...] = ()
    runtime_tables: tuple[str, ...] = ()


def discover_sources() -> list[MigrationSource]:
    """Every `aegis.migrations` entry point, loaded; a broken one stops migrations loudly."""
    sources = [_load(ep) for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=_name)]
    labels = [s.label for s in sources]
    if PROJECT_BRANCH in labels:
        raise MigrationSourceError(
            f"entry point {ENTRY_POINT_GROUP}:{PROJECT_BRANCH} is reserved for the project"
        )
    duplicates = sorted({label for label in labels if labels.count(label) > 1})
    if duplicates:
        raise MigrationSourceError(f"migration branch registered twice: {', '.join(duplicates)}")
    return sources


def _name(ep: object) -> str:
    return str(getattr(ep, "name", ""))


def _load(ep: object) -> MigrationSource:
    name, value = _name(ep), str(getattr(ep, "value", ""))
    dist = getattr(ep, "dist", None)
    package = dist.name if dist is not None else value.split(".")[0]
    try:
        module = ep.load()  # type: ignore[attr-defined]
    except Exception as exc:
        raise MigrationSourceError(
            f"{package}: migrations module {value} failed to import: {type(exc).__name__}: {exc}"
        ) from exc
    folder = Path(module.__file__).parent if getattr(module, "__file__", None) else None
    versions = folder / "versions" if folder and (folder / "versions").is_dir() else None
    return MigrationSource(
        label=name,
        package=package,
        module=value,
        versions=versions,
        models=tuple(getattr(module, "MODELS", ())),
        runtime_tables=tuple(getattr(module, "RUNTIME_TABLES", ())),
    )
