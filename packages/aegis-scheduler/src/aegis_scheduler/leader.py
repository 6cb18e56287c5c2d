"""One leader among scheduler replicas: a lease row in the job store's database.

APScheduler 3 has no coordination of its own: two schedulers on one job store would both run
every job. So a scheduler process (`docker compose up --scale scheduler=2`) first takes the
lease; only the holder starts APScheduler, and it renews the lease every third of its time to
live. A standby polls at that pace and takes over once the lease expired (the leader died) or
was released (the leader stopped on SIGTERM). A leader that fails to renew stops scheduling at
once, before anyone else can hold the lease, so a job never runs in two processes.

The lease lives beside the jobs in a SQL job store (aegis-database installed, or
`SCHEDULER_JOBSTORE` a URL); with the memory store, in a SQLite file under `data/`, which
replicas share through the project's data volume (one machine). That file is written with the
standard library's sqlite3: a scheduler without a SQL store has no SQLAlchemy installed.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import sqlite3
import time
from pathlib import Path
from typing import Any, Protocol

from aegis_core.messages import one_line
from aegis_core.project import project_path

from aegis_scheduler.settings import SchedulerSettings
from aegis_scheduler.stores import resolve_store
from aegis_scheduler.tables import TableOnce, store_engine

logger = logging.getLogger("aegis.scheduler")

TABLE = "aegis_scheduler_leader"
NAME = "scheduler"
LEASE_FILE = "data/scheduler-leader.db"
"""Where the lease lives when jobs are in memory (project-relative)."""


def holder_id() -> str:
    """Who holds the lease: host (the container's name) and pid, unique per process."""
    return f"{socket.gethostname()}:{os.getpid()}"


class Lease(Protocol):
    holder: str
    ttl: float

    def try_acquire(self) -> bool: ...
    def release(self) -> None: ...
    def current_holder(self) -> str | None: ...
    def dispose(self) -> None: ...


class LeaderLease:
    """A lease on one row: `try_acquire()` takes or renews it, `release()` gives it up.

    Both are single statements (an UPDATE guarded by holder-or-expired, else an INSERT that
    the primary key lets only one process win), so SQLite and PostgreSQL decide atomically.
    """

    def __init__(self, url: str, ttl: float, holder: str | None = None) -> None:
        from sqlalchemy import Column, Float, MetaData, String, Table

        self.engine = store_engine(url)
        self.table = Table(
            TABLE,
            MetaData(),
            Column("name", String(64), primary_key=True),
            Column("holder", String(255), nullable=False),
            Column("expires_at", Float, nullable=False),
        )
        self.created = TableOnce(self.table)
        self.ttl = ttl
        self.holder = holder or holder_id()

    def try_acquire(self) -> bool:
        """Take the lease if it is free or expired, renew it if ours; True when we hold it."""
        from sqlalchemy import or_
        from sqlalchemy.exc import IntegrityError

        now = time.time()
        values: dict[str, Any] = {"holder": self.holder, "expires_at": now + self.ttl}
        c = self.table.c
        free = or_(c.holder == self.holder, c.expires_at < now)
        self.created.ensure(self.engine)
        with self.engine.begin() as connection:
            taken = connection.execute(
                self.table.update().where(c.name == NAME, free).values(**values)
            )
            if taken.rowcount == 1:
                return True
        try:
            with self.engine.begin() as connection:
                connection.execute(self.table.insert().values(name=NAME, **values))
        except IntegrityError:
            return False  # someone else holds a live lease
        return True

    def release(self) -> None:
        """Give the lease up (only ours), so a standby takes over without waiting for expiry."""
        c = self.table.c
        self.created.ensure(self.engine)
        with self.engine.begin() as connection:
            connection.execute(self.table.delete().where(c.name == NAME, c.holder == self.holder))

    def current_holder(self) -> str | None:
        """Who holds a live lease now, or None."""
        from sqlalchemy import select

        c = self.table.c
        self.created.ensure(self.engine)
        with self.engine.begin() as connection:
            row = connection.execute(
                select(c.holder, c.expires_at).where(c.name == NAME)
            ).one_or_none()
        return row.holder if row is not None and row.expires_at >= time.time() else None

    def dispose(self) -> None:
        self.engine.dispose()


class FileLease:
    """The same lease in a SQLite file through the standard library (the memory-store case).

    `BEGIN IMMEDIATE` takes SQLite's write lock first, so check-and-set is one atomic step.
    """

    def __init__(self, path: Path, ttl: float, holder: str | None = None) -> None:
        self.path = path
        self.ttl = ttl
        self.holder = holder or holder_id()

    def _run(self, statement: str, *args: object) -> tuple[int, list[Any]]:
        """(rows changed, rows read) of one statement in its own write transaction."""
        connection = sqlite3.connect(self.path, timeout=5, isolation_level=None)
        try:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute(
                f"CREATE TABLE IF NOT EXISTS {TABLE} (name TEXT PRIMARY KEY, "
                "holder TEXT NOT NULL, expires_at REAL NOT NULL)"
            )
            cursor = connection.execute(statement, args)
            rows = cursor.fetchall()
            connection.execute("COMMIT")
            return cursor.rowcount, rows
        finally:
            connection.close()

    def try_acquire(self) -> bool:
        now = time.time()
        changed, _ = self._run(
            f"INSERT INTO {TABLE} (name, holder, expires_at) VALUES (?, ?, ?) "
            "ON CONFLICT(name) DO UPDATE SET holder = excluded.holder, "
            "expires_at = excluded.expires_at WHERE holder = ? OR expires_at < ?",
            NAME, self.holder, now + self.ttl, self.holder, now,
        )  # fmt: skip
        return changed == 1

    def release(self) -> None:
        self._run(f"DELETE FROM {TABLE} WHERE name = ? AND holder = ?", NAME, self.holder)

    def current_holder(self) -> str | None:
        _, rows = self._run(f"SELECT holder, expires_at FROM {TABLE} WHERE name = ?", NAME)
        return rows[0][0] if rows and rows[0][1] >= time.time() else None

    def dispose(self) -> None:
        """Nothing held between calls: each call opens and closes the file."""


class LeaseLost(RuntimeError):
    """The leader could not renew its lease; it stopped scheduling."""


def leader_lease(settings: SchedulerSettings) -> Lease:
    """The lease in the job store's database; with the memory store, in a SQLite file under
    `data/` (shared by replicas through the project's data volume)."""
    store = resolve_store(settings)
    url = store.url if store.kind == "sql" and store.url else None
    if url is None:
        path = project_path(LEASE_FILE)
        path.parent.mkdir(parents=True, exist_ok=True)
        return FileLease(path, settings.SCHEDULER_LEADER_TTL_SECONDS)
    return LeaderLease(url, settings.SCHEDULER_LEADER_TTL_SECONDS)


async def wait_for_lease(lease: Lease, stop: asyncio.Event) -> bool:
    """Stand by until we hold the lease (True) or `stop` is set (False)."""
    announced, first = False, True
    while not stop.is_set():
        try:
            if await asyncio.to_thread(lease.try_acquire):
                logger.info("leader lease taken by %s", lease.holder)
                return True
            if not announced:
                holder = await asyncio.to_thread(lease.current_holder)
                logger.info("standing by: %s leads the scheduler", holder or "another process")
                announced = True
        except Exception as exc:
            if first:  # unreachable at start: a configuration error, said in one line
                raise
            logger.warning("leader lease unavailable (%s); retrying", one_line(exc))
        first = False
        await _wait(stop, lease.ttl / 3)
    return False


async def hold_lease(lease: Lease, stop: asyncio.Event) -> bool:
    """Renew the lease until `stop` (False); True as soon as a renewal fails (lease lost)."""
    while not await _wait(stop, lease.ttl / 3):
        try:
            if not await asyncio.to_thread(lease.try_acquire):
                return True
        except Exception as exc:
            logger.error("cannot renew the leader lease: %s", one_line(exc))
            return True
    return False


def release(lease: Lease) -> None:
    try:
        lease.release()
    except Exception as exc:  # it expires on its own; a standby just waits longer
        logger.warning("leader lease not released (%s); it expires by itself", one_line(exc))
    finally:
        lease.dispose()


async def _wait(stop: asyncio.Event, seconds: float) -> bool:
    """Wait up to `seconds` for `stop`; whether it is set."""
    try:
        await asyncio.wait_for(stop.wait(), timeout=seconds)
    except TimeoutError:
        return False
    return True
