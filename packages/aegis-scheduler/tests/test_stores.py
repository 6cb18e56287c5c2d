"""Which job store SCHEDULER_JOBSTORE selects (pure resolution; the processes test the stores)."""

from __future__ import annotations

from pathlib import Path

import pytest
from aegis_scheduler import stores
from aegis_scheduler.settings import SchedulerSettings
from aegis_scheduler.stores import JobStoreError, resolve_store
from aegis_scheduler.testing import Project


@pytest.fixture(autouse=True)
def _in_a_project(project: Project) -> None:
    """Relative paths resolve inside the throwaway project."""


def resolve(value: str) -> stores.StoreConfig:
    return resolve_store(SchedulerSettings(SCHEDULER_JOBSTORE=value))


def test_auto_uses_the_database_when_aegis_database_is_installed(tmp_path: Path) -> None:
    store = resolve("auto")
    assert store.kind == "sql"
    assert store.url == f"sqlite+pysqlite:///{tmp_path}/proj/data/app.db"


def test_auto_is_memory_without_aegis_database(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stores, "database_installed", lambda: False)
    assert resolve("auto").kind == "memory"
    with pytest.raises(JobStoreError, match=r"needs aegis-database \(uv add aegis-database\)"):
        resolve("database")


def test_sqlite_keyword_and_postgres_urls(tmp_path: Path) -> None:
    assert resolve("sqlite").url == f"sqlite+pysqlite:///{tmp_path}/proj/data/scheduler.db"
    postgres = resolve("postgres://u:secret@db:5432/app")
    assert postgres.url == "postgresql+psycopg://u:secret@db:5432/app"
    assert "secret" not in postgres.label


def test_nonsense_is_a_one_line_error() -> None:
    with pytest.raises(JobStoreError, match="must be auto, memory, sqlite, database or a"):
        resolve("redis-please")
