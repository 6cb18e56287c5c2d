"""Fixtures: a private SQLite file and a private PostgreSQL database per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from aegis_database.testing import temporary_postgres_database, use_database


@pytest.fixture(autouse=True)
def _project_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test is its own project: relative paths never land in the workspace."""
    monkeypatch.setenv("AEGIS_PROJECT_DIR", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def sqlite_url(tmp_path: Path) -> Iterator[str]:
    with use_database(f"sqlite:///{tmp_path}/data/app.db") as url:
        yield url


@pytest.fixture
def pg_url(postgres_url: str) -> Iterator[str]:
    with temporary_postgres_database(postgres_url) as url, use_database(url):
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest) -> str:
    """The same test on real SQLite and on the real PostgreSQL."""
    url: str = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")
    return url
