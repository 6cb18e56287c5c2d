"""Bracket options reach a component's stub template: `aegis add database[postgres]` on a
project that has the database gives it the PostgreSQL compose service (and its .env.example
settings), and `aegis remove database` takes them back. Real templates, uv and Compose."""

from __future__ import annotations

import json
from pathlib import Path

from aegis_core.testing import compose_binary

from tests.lifecycle_support import commit, compose_valid, manifest, ok
from tests.support import run

POSTGRES_COMPOSE = "compose/database.yml"
STACK_ENV = "compose/stack.env"
IN_STACK_URL = "postgresql://app:app@postgres:5432/app"


def services(project: Path) -> list[str]:
    listed = run([compose_binary(), "config", "--services"], cwd=project)
    assert listed.returncode == 0, listed.stderr
    return sorted(listed.stdout.split())


def container_env(project: Path, service: str) -> dict[str, str]:
    """The environment Compose gives `service`'s containers (.env, stack.env and all)."""
    shown = run([compose_binary(), "config", "--format", "json"], cwd=project)
    assert shown.returncode == 0, shown.stderr
    environment: dict[str, str] = json.loads(shown.stdout)["services"][service]["environment"]
    return environment


def test_an_option_added_later_renders_the_stubs_it_brings(project: Path) -> None:
    ok("add", "database", cwd=project)
    commit(project, "add database")
    assert not (project / POSTGRES_COMPOSE).exists()
    assert services(project) == ["web"]

    output = ok("add", "database[postgres]", cwd=project).stdout
    assert POSTGRES_COMPOSE in output
    record = manifest(project)["components"]["database"]
    assert record["options"] == ["postgres"]
    assert POSTGRES_COMPOSE in record["files"] and record["compose"] == [POSTGRES_COMPOSE]
    assert f"- {POSTGRES_COMPOSE}" in (project / "docker-compose.yml").read_text()
    assert compose_valid(project).returncode == 0
    assert services(project) == ["migrate", "postgres", "web"]
    env = (project / ".env.example").read_text()
    assert "DATABASE_URL=postgresql://app:app@127.0.0.1:5432/app" in env, "for `make serve`"
    assert "DATABASE_URL=sqlite" not in env
    assert set(record["env_blocks"]) == {".env.example", STACK_ENV}

    # the containers use the stack's PostgreSQL without a copy step, and over this machine's .env
    (project / ".env").write_text("DATABASE_URL=sqlite:///data/app.db\nPOSTGRES_PASSWORD=s3cret\n")
    for service in ("web", "migrate"):
        environment = container_env(project, service)
        assert environment["DATABASE_URL"] == IN_STACK_URL.replace("app:app@", "app:s3cret@")
        assert environment["DATABASE_WAIT_FOR_MIGRATIONS"] == "180"
    (project / ".env").unlink()
    assert container_env(project, "web")["DATABASE_URL"] == IN_STACK_URL
    commit(project, "postgres")

    ok("remove", "database", cwd=project)
    assert not (project / POSTGRES_COMPOSE).exists()
    assert not (project / STACK_ENV).exists(), "add + remove leaves no trace"
    assert POSTGRES_COMPOSE not in (project / "docker-compose.yml").read_text()
    assert services(project) == ["web"]


def test_without_the_option_the_database_stays_on_sqlite(project: Path) -> None:
    ok("add", "database", cwd=project)
    assert not (project / POSTGRES_COMPOSE).exists()
    assert "DATABASE_URL=sqlite:///data/app.db" in (project / ".env.example").read_text()
    assert not (project / STACK_ENV).exists()
