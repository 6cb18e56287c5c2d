"""Which APScheduler job store to use, from `SCHEDULER_JOBSTORE`.

Memory by default; a SQL store when aegis-database is installed or a URL is given, so jobs
(and their next run times) survive a restart. APScheduler needs a *sync* URL for it, and one
scheduler process per store: a store cannot be shared by two running schedulers.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from aegis_core.project import project_dir

from aegis_scheduler.settings import SchedulerSettings

JOBS_TABLE = "apscheduler_jobs"
SQLITE_DEFAULT = "sqlite:///data/scheduler.db"


class JobStoreError(ValueError):
    """SCHEDULER_JOBSTORE cannot be honoured; the message says how to fix it."""


@dataclass(frozen=True)
class StoreConfig:
    kind: Literal["memory", "sql"]
    url: str | None
    """Sync SQLAlchemy URL (password included) for `sql`."""
    label: str
    """What health and `scheduler jobs` show: no password."""


def database_installed() -> bool:
    return importlib.util.find_spec("aegis_database") is not None


def resolve_store(settings: SchedulerSettings) -> StoreConfig:
    raw = settings.SCHEDULER_JOBSTORE.strip()
    choice = raw.lower()
    if choice == "memory" or (choice == "auto" and not database_installed()):
        return StoreConfig("memory", None, "memory (jobs are re-registered at each start)")
    if choice in ("auto", "database"):
        if not database_installed():
            raise JobStoreError(
                "SCHEDULER_JOBSTORE=database needs aegis-database (uv add aegis-database)"
            )
        from aegis_database import DatabaseSettings

        return sql_store(DatabaseSettings().DATABASE_URL)
    if choice == "sqlite":
        return sql_store(SQLITE_DEFAULT)
    if "://" in raw:
        return sql_store(raw)
    raise JobStoreError(
        f"SCHEDULER_JOBSTORE must be auto, memory, sqlite, database or a SQLAlchemy URL, "
        f"not {raw!r}"
    )


def sql_store(raw_url: str) -> StoreConfig:
    if importlib.util.find_spec("sqlalchemy") is None:
        raise JobStoreError(
            "a SQL job store needs SQLAlchemy: uv add 'aegis-scheduler[sql]' (or aegis-database)"
        )
    from sqlalchemy.engine import make_url

    url = make_url(_sync_url(raw_url))
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    label = url.render_as_string(hide_password=True)
    return StoreConfig("sql", url.render_as_string(hide_password=False), label)


def _sync_url(raw: str) -> str:
    """The same mapping as aegis-database (psycopg 3, project-relative SQLite) without it."""
    if database_installed():
        from aegis_database import sync_url

        return sync_url(raw).render_as_string(hide_password=False)
    from sqlalchemy.engine import make_url

    text = "postgresql://" + raw[len("postgres://") :] if raw.startswith("postgres://") else raw
    url = make_url(text)
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    database = url.database or ""
    if url.get_backend_name() == "sqlite" and database not in ("", ":memory:"):
        url = url.set(database=str(project_dir() / database))  # no-op when already absolute
    return url.render_as_string(hide_password=False)
