"""SQLite files open in write-ahead-log mode: a read does not wait for another process's write.

The web, worker and scheduler processes of one project share one SQLite file; in SQLite's
default (rollback journal) mode, a writer committing locks every reader out until it is done.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest
from aegis_database import dispose_engines, get_engine, reads_never_wait
from sqlalchemy import text
from sqlalchemy.exc import OperationalError


def _read_while_another_connection_writes(url: str) -> tuple[float, str | None]:
    """Seconds one engine read took while a plain sqlite3 connection holds an exclusive write
    transaction, and the error it raised, if any."""
    engine = get_engine()
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE IF NOT EXISTS note (body TEXT)"))
        connection.execute(text("INSERT INTO note VALUES ('before')"))
    writer = sqlite3.connect(url.removeprefix("sqlite:///"), timeout=0, isolation_level=None)
    try:
        writer.execute("BEGIN EXCLUSIVE")
        writer.execute("INSERT INTO note VALUES ('uncommitted')")
        started = time.monotonic()
        try:
            with engine.connect() as connection:
                rows = connection.execute(text("SELECT body FROM note")).scalars().all()
            assert rows == ["before"], rows
            return time.monotonic() - started, None
        except OperationalError as exc:  # the error is the finding
            return time.monotonic() - started, str(exc).splitlines()[0]
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_a_read_does_not_wait_for_a_write_in_progress(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_CONNECT_TIMEOUT", "2")
    dispose_engines()
    seconds, error = _read_while_another_connection_writes(sqlite_url)
    assert error is None and seconds < 0.5, (seconds, error)
    with get_engine().connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    assert reads_never_wait(get_engine())


def test_without_wal_the_same_read_waits_for_the_lock(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """DATABASE_SQLITE_WAL=false (for a file on a network file system): the rollback journal,
    whose reader waits out DATABASE_CONNECT_TIMEOUT and fails."""
    monkeypatch.setenv("DATABASE_SQLITE_WAL", "false")
    monkeypatch.setenv("DATABASE_CONNECT_TIMEOUT", "0.3")
    dispose_engines()
    seconds, error = _read_while_another_connection_writes(sqlite_url)
    assert error is not None and "database is locked" in error, error
    assert seconds >= 0.25
    assert not reads_never_wait(get_engine())


def test_postgresql_reads_go_over_the_network(pg_url: str) -> None:
    assert not reads_never_wait(get_engine())
