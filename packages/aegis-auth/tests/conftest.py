"""A migrated throwaway project per test module, on real SQLite and on a private PostgreSQL
database (created on the machine's server and dropped afterwards), and a real server for it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from aegis_auth.testing import AuthProject, Client, make_project
from aegis_database.testing import temporary_postgres_database


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'app.db'}"
        return
    with temporary_postgres_database(request.getfixturevalue("postgres_url")) as url:
        yield url


@pytest.fixture(scope="module")
def auth_project(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> AuthProject:
    return make_project(tmp_path_factory.mktemp("proj"), database_url)


@pytest.fixture(scope="module")
def api(auth_project: AuthProject) -> Iterator[Client]:
    """One real uvicorn per module and database (starting one costs seconds); limits high
    enough for the many logins of a module (test_rate_limits.py trips them on purpose)."""
    high = {f"AUTH_{name}_LIMIT": "10000" for name in ("LOGIN", "REGISTER", "REFRESH")}
    with auth_project.serve(**high) as client:
        yield client


@pytest.fixture
def sqlite_project(tmp_path: Path) -> AuthProject:
    return make_project(tmp_path / "proj", f"sqlite:///{tmp_path / 'app.db'}")
