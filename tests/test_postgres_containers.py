"""`database[postgres]` under a real Docker engine: `make up` on a project made with
`--components 'database[postgres]'` runs a `postgres` service healthy by `pg_isready`, applies
the project's migrations before anything uses them (the one-shot `migrate` service), and the
web container's database is that PostgreSQL: /health says so, and what the app writes
survives `make down` + `make up` on the postgres-data volume.

No registry is reachable here, so PostgreSQL is `local/postgres` (Debian's postgresql-15 on the
tests' base image, tests/postgres_support.py), given through POSTGRES_IMAGE as a user would
point it at a mirror; users get the official `postgres:16` by default.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from aegis_core.testing import free_port

from tests.containers_support import Engine, Stack, serve_index
from tests.postgres_support import POSTGRES_IMAGE, ensure_postgres_image, postgres_project

pytestmark = pytest.mark.xdist_group("containers")

SLUG = "pg-api"
WRITE = """
from sqlalchemy import text
from app.core.db import db_session
with db_session() as session:
    session.execute(text("INSERT INTO kept VALUES ('survives')"))
    session.commit()
"""


@dataclass
class PostgresStack(Stack):
    @property
    def env(self) -> dict[str, str]:
        return {**super().env, "POSTGRES_IMAGE": POSTGRES_IMAGE}

    def psql(self, query: str) -> str:
        """A query as the `app` user, inside the postgres container: its rows, one a line."""
        done = self.compose(
            "exec", "-T", "postgres", "psql", "-U", "app", "-d", "app", "-tAc", query
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout.strip()


@pytest.fixture(scope="module")
def stack(
    tmp_path_factory: pytest.TempPathFactory, index_dir: Path, aegis_index: str,
    docker_engine: Engine,
) -> Iterator[PostgresStack]:  # fmt: skip
    """A project made with database[postgres] plus a migration of its own, and no .env: the
    containers find the stack's PostgreSQL through compose/stack.env alone. `make up` done;
    removed, volumes and all, after the module."""
    ensure_postgres_image(docker_engine)
    root = tmp_path_factory.mktemp("postgres-containers")
    with serve_index(index_dir, Path(aegis_index).name) as url:
        project = postgres_project(root, SLUG, url)
        running = PostgresStack(
            project, f"aegistest-pg-{free_port()}", free_port(), docker_engine,
            one_shot=frozenset({"migrate"}),
        )  # fmt: skip
        try:
            running.up()
            yield running
        finally:
            running.tear_down()


def test_web_runs_on_the_postgres_service_with_migrations_applied(stack: PostgresStack) -> None:
    states = stack.wait_healthy()
    assert states == {"migrate": ["completed"], "postgres": ["healthy"], "web": ["healthy"]}
    health = httpx.get(f"{stack.url}/health", timeout=10)
    assert health.status_code == 200, health.text
    database = health.json()["components"]["database"]
    assert database["status"] == "healthy", database  # pending migrations would be a warning
    assert database["message"].startswith("postgresql "), database
    assert "at postgres:5432/app" in database["message"], database
    assert stack.psql("SELECT count(*) FROM kept") == "0"  # made by the migrate service
    logs = stack.compose("logs", "migrate").stdout
    assert "a0001" in logs, logs[-2000:]
    web = stack.compose("logs", "web").stdout
    assert "migrations applied; serving" in web, web[-2000:]  # it waited for `migrate`


def test_what_the_app_writes_survives_down_and_up(stack: PostgresStack) -> None:
    stack.ensure_up()
    written = stack.compose("exec", "-T", "web", "python", "-c", WRITE)
    assert written.returncode == 0, written.stdout + written.stderr
    down = stack.make("down")
    assert down.returncode == 0, down.stderr
    assert stack.containers() == []
    stack.up()
    assert stack.psql("SELECT v FROM kept") == "survives"
