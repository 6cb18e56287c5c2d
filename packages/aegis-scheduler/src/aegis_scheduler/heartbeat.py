"""The scheduler process's proof of life, readable by the web process and the CLI.

The web process cannot see another process's scheduler, so the scheduler records, every
`SCHEDULER_HEARTBEAT_SECONDS`, who it is and its jobs with their next and last run times. It
goes where both processes can read it: the job store's database when there is one (shared by
containers), else a small JSON file under `data/` (shared through the project's data volume).

The same place carries the other direction: the dashboard's "Run job now" leaves a run request
there, and the scheduler takes it at its next beat (`request_run`, `take_run_requests`).
"""

from __future__ import annotations

import json
import os
import tempfile
import time
import uuid
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from aegis_core.project import project_path
from pydantic import BaseModel, ValidationError

from aegis_scheduler.settings import SchedulerSettings
from aegis_scheduler.stores import StoreConfig, resolve_store
from aegis_scheduler.tables import TableOnce, store_engine

TABLE = "aegis_scheduler_heartbeat"
ROW = "scheduler"
REQUEST_ROW = "run-request:"
"""Prefix of a run request's row (SQL) beside the heartbeat's own row."""


class JobInfo(BaseModel):
    id: str
    name: str
    trigger: str
    next_run_time: datetime | None
    """None: paused."""


class LastRun(BaseModel):
    at: datetime
    ok: bool
    error: str = ""
    """One line, when it failed."""
    manual: bool = False
    """Started with "Run job now", not by its trigger."""


class Heartbeat(BaseModel):
    pid: int
    host: str
    started_at: datetime
    beat_at: datetime
    stopped_at: datetime | None = None
    interval_seconds: float
    jobstore: str
    timezone: str
    in_process: bool = False
    jobs: list[JobInfo] = []
    last_runs: dict[str, LastRun] = {}
    """By job id: how its last run since the scheduler started went."""
    runs_total: int = 0
    """Runs of the user's jobs since the scheduler started."""

    def age_seconds(self, now: datetime | None = None) -> float:
        return ((now or datetime.now(UTC)) - self.beat_at).total_seconds()


class HeartbeatError(RuntimeError):
    """The heartbeat exists but cannot be read."""


class HeartbeatStore(Protocol):
    where: str

    def write(self, beat: Heartbeat) -> None: ...
    def read(self) -> Heartbeat | None: ...
    def request_run(self, job_id: str) -> None: ...
    def take_run_requests(self) -> list[str]: ...


class FileHeartbeat:
    """A JSON file replaced atomically, so a reader never sees half a heartbeat."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.where = f"file {path}"
        self.requests = path.with_name(f"{path.stem}-run-requests")
        """One file per request: a writer and the taker never race over one file."""

    def write(self, beat: Heartbeat) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=self.path.parent, prefix=".heartbeat-")
        with os.fdopen(handle, "w") as file:
            file.write(beat.model_dump_json())
        os.replace(temp, self.path)

    def read(self) -> Heartbeat | None:
        try:
            text = self.path.read_text()
        except FileNotFoundError:
            return None
        try:
            return Heartbeat.model_validate(json.loads(text))
        except (ValueError, ValidationError) as exc:
            raise HeartbeatError(f"{self.path} is not a heartbeat: {exc}") from exc

    def request_run(self, job_id: str) -> None:
        self.requests.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=self.requests, prefix=".request-")
        with os.fdopen(handle, "w") as file:
            file.write(job_id)
        os.replace(temp, self.requests / f"{time_ns_id()}.request")

    def take_run_requests(self) -> list[str]:
        taken = []
        for request in sorted(self.requests.glob("*.request")):
            try:
                taken.append(request.read_text())
                request.unlink()
            except FileNotFoundError:  # taken by another reader already
                continue
        return taken


class SqlHeartbeat:
    """One row in `aegis_scheduler_heartbeat`, in the job store's database."""

    def __init__(self, url: str, label: str) -> None:
        from sqlalchemy import Column, DateTime, MetaData, String, Table, Text

        self.where = f"table {TABLE} in {label}"
        self.engine = store_engine(url)
        self.table = Table(
            TABLE,
            MetaData(),
            Column("name", String(64), primary_key=True),
            Column("beat_at", DateTime(timezone=True), nullable=False),
            Column("payload", Text, nullable=False),
        )
        self.created = TableOnce(self.table)

    def write(self, beat: Heartbeat) -> None:
        values = {"beat_at": beat.beat_at, "payload": beat.model_dump_json()}
        self.created.ensure(self.engine)
        with self.engine.begin() as connection:
            where = self.table.c.name == ROW
            updated = connection.execute(self.table.update().where(where).values(**values))
            if updated.rowcount == 0:
                connection.execute(self.table.insert().values(name=ROW, **values))

    def read(self) -> Heartbeat | None:
        from sqlalchemy import inspect, select

        with self.engine.connect() as connection:
            if not inspect(connection).has_table(TABLE):
                return None
            payload = connection.execute(
                select(self.table.c.payload).where(self.table.c.name == ROW)
            ).scalar_one_or_none()
        return None if payload is None else Heartbeat.model_validate_json(payload)

    def request_run(self, job_id: str) -> None:
        row = {"name": f"{REQUEST_ROW}{time_ns_id()}", "beat_at": datetime.now(UTC)}
        self.created.ensure(self.engine)
        with self.engine.begin() as connection:
            connection.execute(self.table.insert().values(payload=job_id, **row))

    def take_run_requests(self) -> list[str]:
        from sqlalchemy import inspect, select

        name = self.table.c.name
        with self.engine.begin() as connection:
            if not inspect(connection).has_table(TABLE):
                return []
            rows = connection.execute(
                select(name, self.table.c.payload)
                .where(name.startswith(REQUEST_ROW))
                .order_by(name)
            ).all()
            if rows:
                connection.execute(self.table.delete().where(name.in_([r[0] for r in rows])))
        return [str(row[1]) for row in rows]


def time_ns_id() -> str:
    """Sorts by time of request; unique across processes."""
    return f"{time.time_ns():020d}-{uuid.uuid4().hex[:8]}"


def heartbeat_store(
    settings: SchedulerSettings, store: StoreConfig | None = None
) -> HeartbeatStore:
    """Beside the jobs when they live in a database; otherwise the heartbeat file."""
    store = store or resolve_store(settings)
    if store.kind == "sql" and store.url:
        return _sql_heartbeat(store.url, store.label)
    return FileHeartbeat(project_path(settings.SCHEDULER_HEARTBEAT_FILE))


@lru_cache(maxsize=8)
def _sql_heartbeat(url: str, label: str) -> SqlHeartbeat:
    """One engine (pool) per database for the life of the process, not one per health check."""
    return SqlHeartbeat(url, label)
