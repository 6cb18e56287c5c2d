"""The `db_session` pytest fixture, registered for every project that installs aegis-database.

    async def test_create_user(db_session):
        user = await UserService(db_session).create_user(data)

Each test gets its own SQLite file (in pytest's `tmp_path`) with every table of the project's
`app/models/` and of the installed packages created, and a session on it: the same `Session`
as `with db_session() as session:` (`await session.commit()` works as well as
`session.commit()`). `DATABASE_URL` points at that file for the duration of the test, so code
under test that opens its own `db_session()` sees the same data.

Registered through the `pytest11` entry point; this module stays cheap to import because
pytest loads it in every run.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from aegis_database.session import Session


@pytest.fixture
def db_session(tmp_path: Path) -> Iterator[Session]:
    """A session on a fresh SQLite database with every table created."""
    from aegis_database.testing import session_on_fresh_database

    with session_on_fresh_database(f"sqlite:///{tmp_path / 'test.db'}") as session:
        yield session
