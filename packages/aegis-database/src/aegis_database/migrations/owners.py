"""A project revision that changes a package's table depends on that package's branch.

Branches are independent in alembic: on a fresh database `upgrade heads` may run the project's
`ALTER TABLE users ADD company` before aegis-auth's revision has created `users`, or a
`CREATE TABLE orders (user_id REFERENCES users)` before its target exists. So when autogenerate
writes a project revision that alters a package's table or points a foreign key at one, this
hook adds that package's branch label to the revision's `depends_on` (as
`revision --depends-on auth` would), and `make migration` needs no flag.

Which package owns a table: the one whose `MODELS` module defines the mapped class, whatever
the import order (a column a project adds to a package's table leaves the table its owner's).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from aegis_database.migrations.sources import MigrationSource


def table_owners(sources: Sequence[MigrationSource]) -> dict[str, str]:
    """Table name → branch label of the package whose models define it."""
    from sqlmodel.main import default_registry

    owners: dict[str, str] = {}
    for mapper in default_registry.mappers:
        module = mapper.class_.__module__
        for source in sources:
            if any(module == m or module.startswith(f"{m}.") for m in source.models):
                owners.update({table.name: source.label for table in mapper.tables})
    return owners


def touched_tables(operations: Iterable[Any]) -> set[str]:
    """Tables the operations alter, index or point a foreign key at (not the ones they create:
    a table a revision creates is that revision's own)."""
    found: set[str] = set()
    stack = list(operations)
    while stack:
        op = stack.pop()
        stack.extend(getattr(op, "ops", None) or [])
        if type(op).__name__ != "CreateTableOp":
            found.update(_names(getattr(op, "table_name", None)))
        found.update(_names(getattr(op, "referent_table", None)))
        for item in [getattr(op, "column", None), *(getattr(op, "columns", None) or [])]:
            found.update(_fk_targets(item))
    return found


def _names(value: object) -> list[str]:
    return [value] if isinstance(value, str) else []


def _fk_targets(item: object) -> list[str]:
    """Target tables of a column's foreign keys, or of a ForeignKeyConstraint."""
    keys = list(getattr(item, "foreign_keys", None) or []) + list(
        getattr(item, "elements", None) or []
    )
    return [str(key.target_fullname).split(".")[-2] for key in keys if "." in key.target_fullname]


def depend_on_owners(
    sources: Sequence[MigrationSource],
    owners: Callable[[Sequence[MigrationSource]], dict[str, str]] = table_owners,
) -> Callable[..., None]:
    """An alembic `process_revision_directives` hook doing what the module docstring says
    (`owners` maps tables to branches; a test passes its own)."""

    def hook(_context: object, _revision: object, directives: list[Any]) -> None:
        if not directives:
            return
        script = directives[0]
        own = {str(script.head or "").split("@")[0], *_as_list(script.branch_label)}
        owner = owners(sources)
        tables = touched_tables(script.upgrade_ops_list)
        needed = {owner[t] for t in tables if t in owner} - own
        if needed:
            script.depends_on = tuple(sorted(set(_as_list(script.depends_on)) | needed))

    return hook


def _as_list(value: str | Iterable[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)
