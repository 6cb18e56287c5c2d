"""The package's alembic branch up and down on SQLite and PostgreSQL, and what health and the
dashboard card say about a migrated and an unmigrated database."""

from __future__ import annotations

import uuid
from typing import Any

from aegis_auth.testing import AuthProject, Client
from aegis_core.testing import wait_until
from sqlalchemy import create_engine, inspect

TABLES = {"users", "auth_refresh_tokens", "auth_login_events"}


def _tables(url: str) -> set[str]:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_migrations_down_and_up_again(auth_project: AuthProject) -> None:
    url = auth_project.env["DATABASE_URL"]
    assert _tables(url) >= TABLES
    down = auth_project.db("downgrade", "auth@base")
    assert down.returncode == 0, down.output
    assert not TABLES & _tables(url)
    assert "auth" in auth_project.db("current").stdout
    up = auth_project.db("upgrade")
    assert up.returncode == 0, up.output
    assert _tables(url) >= TABLES


def test_health_counts_users_and_logins(api: Client, auth_project: AuthProject) -> None:
    email = f"h{uuid.uuid4().hex[:8]}@example.com"
    made = auth_project.cli(
        "create-user", email, "--superuser", "--password-stdin", stdin="health password\n"
    )
    assert made.returncode == 0, made.output
    token = api.login(email, "health password")["access_token"]
    api.post("/auth/login", json={"email": email, "password": "wrong password"})
    # health is cached briefly and may answer from a run that started before the user existed
    seen: dict[str, Any] = {}

    def counted() -> bool:
        seen.update(api.auth_health(token))
        return int(seen["metadata"].get("failed_logins_24h", 0)) >= 1

    wait_until(counted, 15, interval=0.5, what="health to count the login", details=seen.__repr__)
    auth = seen
    assert auth["status"] == "healthy", auth
    figures = auth["metadata"]
    assert figures["users"] >= 1 and figures["superusers"] >= 0
    assert figures["logins_24h"] >= 1 and figures["failed_logins_24h"] >= 1
    assert f"{figures['users']} users" in auth["message"]


def test_unmigrated_database_is_a_warning_naming_the_fix(auth_project: AuthProject) -> None:
    assert auth_project.db("downgrade", "auth@base").returncode == 0
    try:
        with auth_project.serve(AUTH_PROTECT_OPERATOR_SURFACES="false") as client:
            auth = client.auth_health()
    finally:
        assert auth_project.db("upgrade").returncode == 0
    assert auth["status"] == "warning", auth
    assert "run `make migrate`" in auth["message"]


def test_dashboard_card_rows() -> None:
    from aegis_auth.component import dashboard_card
    from aegis_core.health.models import ComponentHealth, HealthStatus

    health = ComponentHealth(
        name="auth",
        status=HealthStatus.HEALTHY,
        message="2 users",
        metadata={"users": 2, "superusers": 1, "logins_24h": 3, "failed_logins_24h": 4},
    )
    card = dashboard_card(health)
    assert card.title == "Auth"
    assert dict(card.rows)["failed logins (24 h)"] == "4"
    assert dict(card.rows)["superusers"] == "1"
