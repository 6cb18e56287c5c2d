"""A throwaway project per test and real scheduler processes started from it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from aegis_database.testing import temporary_postgres_database
from aegis_scheduler.settings import get_settings
from aegis_scheduler.testing import Project


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Project]:
    root = tmp_path / "proj"
    (root / "app").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[project]\nname = "proj"\nversion = "0"\n')
    (root / "app" / "__init__.py").write_text("")
    env = {
        **os.environ,
        "AEGIS_PROJECT_DIR": str(root),
        "PYTHONPATH": str(root),
        "MARK_FILE": str(root / "marks.txt"),
        "SCHEDULER_HEARTBEAT_SECONDS": "0.5",
        "SCHEDULER_JOBSTORE": "memory",
        "DATABASE_URL": "sqlite:///data/app.db",
    }
    for name in ("AEGIS_PROJECT_DIR", "SCHEDULER_JOBSTORE", "DATABASE_URL"):
        monkeypatch.setenv(name, env[name])
    monkeypatch.setenv("SCHEDULER_HEARTBEAT_SECONDS", "0.5")
    monkeypatch.chdir(root)
    get_settings.cache_clear()  # settings are read once per process: re-read this project's
    created = Project(root, env)
    yield created
    get_settings.cache_clear()
    for process in created.processes:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.fixture(params=["sqlite", "postgresql"])
def sql_jobstore(request: pytest.FixtureRequest, project: Project) -> Iterator[str]:
    """A SQL job store URL on real SQLite or on a private PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{project.root}/data/jobs.db"
        return
    with temporary_postgres_database(request.getfixturevalue("postgres_url")) as url:
        yield url
