"""Health against real databases, a refused port and a server that never answers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
from aegis_core.health.models import HealthStatus
from aegis_core.testing import free_port
from aegis_database.health import check_database, dashboard_card
from aegis_database.migrations.commands import upgrade
from aegis_database.settings import DatabaseSettings


async def test_sqlite_reports_dialect_file_and_size(sqlite_url: str) -> None:
    upgrade()  # every installed package's tables: healthy means nothing is pending
    health = await check_database()
    assert health.status is HealthStatus.HEALTHY, health.message
    assert health.metadata["dialect"] == "sqlite"
    assert health.metadata["size_bytes"] >= 0
    assert health.metadata["path"].endswith("data/app.db")
    assert health.message.startswith("sqlite data/app.db (")
    rows = dict(dashboard_card(health).rows)
    assert rows["location"].endswith("data/app.db") and "size" in rows


async def test_postgres_reports_server_version_and_latency(pg_url: str) -> None:
    upgrade()
    health = await check_database()
    assert health.status is HealthStatus.HEALTHY, health.message
    assert health.metadata["dialect"] == "postgresql"
    assert health.metadata["driver"] == "psycopg"
    assert int(health.metadata["server_version"].split(".")[0]) >= 12
    assert health.metadata["latency_ms"] > 0
    assert "SELECT 1 in" in health.message


async def test_refused_connection_is_unhealthy_with_the_reason() -> None:
    url = f"postgresql://postgres:secret@127.0.0.1:{free_port()}/nothing"
    # The budget is generous so a loaded machine cannot turn "refused" into "no answer".
    health = await check_database(DatabaseSettings(DATABASE_URL=url, DATABASE_HEALTH_TIMEOUT=30))
    assert health.status is HealthStatus.UNHEALTHY
    assert health.message.startswith(f"cannot reach postgresql 127.0.0.1:{url.split(':')[3]}")
    assert "\n" not in health.message and "secret" not in str(health.model_dump())


@pytest.fixture
def silent_server() -> Iterator[int]:
    """Accepts TCP connections (the kernel does) but never speaks: a hung database."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield int(sock.getsockname()[1])


async def test_a_server_that_never_answers_does_not_hang_health(silent_server: int) -> None:
    url = f"postgresql://postgres@127.0.0.1:{silent_server}/test"
    settings = DatabaseSettings(
        DATABASE_URL=url, DATABASE_HEALTH_TIMEOUT=0.5, DATABASE_CONNECT_TIMEOUT=2
    )
    started = time.monotonic()
    health = await check_database(settings)
    assert time.monotonic() - started < 1.5
    assert health.status is HealthStatus.UNHEALTHY
    assert health.message == f"postgresql 127.0.0.1:{silent_server}/test did not answer within 0.5s"


def test_the_health_check_leaves_alembic_out_of_the_process(sqlite_url: str) -> None:
    """Pending migrations are counted from a lineage a subprocess reads: the web process
    never imports alembic (~12 MB of RSS)."""
    script = (
        "import asyncio, sys\n"
        "from aegis_database.health import check_database\n"
        "health = asyncio.run(check_database())\n"
        "print(health.metadata['migrations'], 'alembic' in sys.modules)\n"
    )
    env = {**os.environ, "DATABASE_URL": sqlite_url, "DATABASE_HEALTH_TIMEOUT": "60"}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    counts, alembic_loaded = done.stdout.strip().rsplit(" ", 1)
    assert counts.startswith("{") and alembic_loaded == "False", done.stdout
