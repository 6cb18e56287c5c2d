"""Which packages' tables a project revision touches, so it can depend on their branches."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from aegis_database.migrations.owners import depend_on_owners, touched_tables
from aegis_database.migrations.sources import MigrationSource
from alembic.operations import ops

SHELVES = MigrationSource("shelves", "aegis-shelves", "aegis_shelves.migrations", Path("."))


def shelves_own_theirs(_sources: object) -> dict[str, str]:
    return {"shelves": "shelves"}


def books() -> ops.CreateTableOp:
    return ops.CreateTableOp(
        "books", [sa.Column("id", sa.Integer), sa.Column("shelf_id", sa.ForeignKey("shelves.id"))]
    )


def notes() -> ops.CreateTableOp:
    return ops.CreateTableOp("notes", [sa.Column("id", sa.Integer)])


def script(*operations: ops.MigrateOperation, head: str = "app@head") -> ops.MigrationScript:
    return ops.MigrationScript(
        "abc", ops.UpgradeOps(list(operations)), ops.DowngradeOps([]), head=head
    )


def test_an_altered_or_referenced_table_is_touched_a_created_one_is_not() -> None:
    add = ops.AddColumnOp("shelves", sa.Column("label", sa.String()))

    assert touched_tables([ops.ModifyTableOps("shelves", [add])]) == {"shelves"}
    assert touched_tables([books()]) == {"shelves"}
    assert touched_tables([notes()]) == set()


def test_a_project_revision_depends_on_the_owner_of_what_it_touches() -> None:
    touching, apart = script(books()), script(notes())
    own = script(ops.AddColumnOp("shelves", sa.Column("x", sa.String())), head="shelves@head")

    for directive in (touching, apart, own):
        depend_on_owners([SHELVES], shelves_own_theirs)(None, None, [directive])

    assert touching.depends_on == ("shelves",)
    assert apart.depends_on is None, "a revision apart from every package depends on nothing"
    assert own.depends_on is None, "a package's own revision does not depend on itself"
