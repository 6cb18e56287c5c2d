"""Auth health: the users table answers, how many users and superusers, logins in 24 h.

Runs in a thread with a bound on the wait, like the database's own check, so a slow database
makes `/health` say so instead of hanging. A missing table (migrations not applied) is a
warning naming the command that fixes it.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from aegis_core.component import DashboardCard
from aegis_core.health.models import ComponentHealth, HealthStatus
from aegis_core.messages import one_line

TIMEOUT_SECONDS = 1.5


def _figures() -> dict[str, Any]:
    from aegis_database import db_session
    from sqlmodel import col, func, select

    from aegis_auth.models import User, utcnow
    from aegis_auth.service import count_logins

    with db_session(autocommit=False) as session:
        users = session.exec(select(func.count()).select_from(User)).one()
        superusers = session.exec(
            select(func.count()).select_from(User).where(col(User.is_superuser))
        ).one()
        logins, failed = count_logins(session, utcnow() - timedelta(hours=24))
    return {
        "users": int(users),
        "superusers": int(superusers),
        "logins_24h": logins,
        "failed_logins_24h": failed,
    }


async def check_auth() -> ComponentHealth:
    try:
        figures = await asyncio.wait_for(asyncio.to_thread(_figures), TIMEOUT_SECONDS)
    except TimeoutError:
        return _health(HealthStatus.UNHEALTHY, f"users table did not answer in {TIMEOUT_SECONDS}s")
    except Exception as exc:
        text = one_line(exc)
        if "users" in text and ("no such table" in text or "does not exist" in text):
            return _health(HealthStatus.WARNING, "auth tables missing: run `make migrate`")
        return _health(HealthStatus.UNHEALTHY, f"users table unreachable: {text}")
    message = (
        f"{figures['users']} users ({figures['superusers']} superusers); last 24 h: "
        f"{figures['logins_24h']} logins, {figures['failed_logins_24h']} failed"
    )
    status = HealthStatus.HEALTHY
    return _health(status, message, figures)


def _health(
    status: HealthStatus, message: str, metadata: dict[str, Any] | None = None
) -> ComponentHealth:
    return ComponentHealth(name="auth", status=status, message=message, metadata=metadata or {})


def dashboard_card(health: ComponentHealth) -> DashboardCard:
    meta = health.metadata
    rows: list[tuple[str, str]] = [("status", f"{health.status}: {health.message}")]
    for key, label in (
        ("users", "users"),
        ("superusers", "superusers"),
        ("logins_24h", "logins (24 h)"),
        ("failed_logins_24h", "failed logins (24 h)"),
    ):
        if key in meta:
            rows.append((label, str(meta[key])))
    return DashboardCard(title="Auth", rows=rows)
