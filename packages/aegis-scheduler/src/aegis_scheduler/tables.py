"""Create the scheduler's own tables safely when several replicas start at the same moment.

Each replica checks "does the table exist?" and, when not, creates it. Two replicas starting
together can both see no table; the loser's CREATE then fails (SQLite: "already exists";
PostgreSQL: a unique violation on its type catalogue). Either way the table is there, which is
all the caller needs, so that failure is not an error.
"""

from __future__ import annotations

from typing import Any


def store_engine(url: str) -> Any:
    """An engine on the job store's database for the scheduler's own tables: bounded waits
    (a locked SQLite file, an unreachable server) and connections checked before use."""
    from sqlalchemy import create_engine

    connect_args = {"timeout": 5} if url.startswith("sqlite") else {"connect_timeout": 3}
    return create_engine(url, connect_args=connect_args, pool_pre_ping=True)


def ensure_table(engine: Any, table: Any) -> None:
    """Create `table` (a SQLAlchemy Table) on `engine` unless it exists, tolerating a race."""
    from sqlalchemy import inspect
    from sqlalchemy.exc import SQLAlchemyError

    try:
        table.create(engine, checkfirst=True)
    except SQLAlchemyError:
        if not inspect(engine).has_table(table.name, schema=table.schema):
            raise  # a real failure, not another replica winning the race


class TableOnce:
    """`ensure(engine)` creates the table on first use only: later calls cost nothing."""

    def __init__(self, table: Any) -> None:
        self.table = table
        self._ready = False

    def ensure(self, engine: Any) -> None:
        if not self._ready:
            ensure_table(engine, self.table)
            self._ready = True
