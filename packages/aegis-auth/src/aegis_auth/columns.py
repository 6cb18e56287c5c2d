"""Columns a project adds to the `users` table, from its `app/models/user.py` stub.

    import sqlalchemy as sa
    from aegis_auth.columns import add_user_column

    add_user_column(sa.Column("company", sa.String(200), nullable=True))

then `make migration m="user company"` writes the `ALTER TABLE` on the project's branch and
`make migrate` applies it. `user.company` reads and writes like any other field, and
`select(User).where(User.company == ...)` works.

Why a function rather than a subclass: the table belongs to aegis-auth and SQLModel cannot map a
second class onto it; a function can add the column to the one `User` class everything uses
(the table for autogenerate, the mapper for queries, the pydantic fields for assignment).

The column must be nullable: aegis-auth creates accounts (register, `create-user`) without
knowing it, and a process that never imported the stub (the CLI, a worker) writes rows without
it. Adding the same column again (the stub imported once by alembic, once by the app) changes
nothing.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from pydantic.fields import FieldInfo

from aegis_auth.models import User

AUTH_COLUMNS = frozenset(User.__table__.c.keys())  # type: ignore[attr-defined]
"""aegis-auth's own columns, which a project may not redefine."""


def add_user_column(column: sa.Column[Any]) -> None:
    """Add `column` to `users` and to `User`; a ValueError says in one line why not."""
    name = column.name
    if not name:
        raise ValueError("name the column: sa.Column('company', ...)")
    if name in AUTH_COLUMNS:
        raise ValueError(f"users.{name} is aegis-auth's own column; pick another name")
    table: sa.Table = User.__table__  # type: ignore[attr-defined]
    if name in table.c:
        return
    if not column.nullable:
        raise ValueError(
            f"users.{name} must be nullable=True: aegis-auth creates accounts without it"
        )
    table.append_column(column)
    User.__mapper__.add_property(name, column)  # type: ignore[attr-defined]
    User.model_fields[name] = FieldInfo(annotation=_annotation(column), default=None)
    User.model_rebuild(force=True)


def _annotation(column: sa.Column[Any]) -> Any:
    """`T | None` for the column's Python type; `Any` for a type that does not say."""
    try:
        python_type: Any = column.type.python_type
    except NotImplementedError:
        return Any
    return python_type | None
