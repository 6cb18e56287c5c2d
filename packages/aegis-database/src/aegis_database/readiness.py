"""Start-up that waits for migrations: for a stack where a separate step applies them.

In `make up` with PostgreSQL, a one-shot `migrate` container runs `db upgrade` while the web
container starts. Compose cannot make web wait for it (each component's services live in its
own file), so web waits itself when `DATABASE_WAIT_FOR_MIGRATIONS` is set: it answers nothing,
so its health check fails and nothing routes to it, until the database has every installed
migration. After the limit it starts anyway and `/health` says what is pending.
"""

from __future__ import annotations

import asyncio
import logging
import time

from aegis_core.messages import one_line

from aegis_database.settings import DatabaseSettings

logger = logging.getLogger("aegis.database")
POLL_SECONDS = 1.0


def migrations_state(settings: DatabaseSettings) -> str | None:
    """None when the database answers with every installed migration; else what is missing."""
    from aegis_database.health import pending_migrations
    from aegis_database.urls import sync_url

    try:
        pending, error = pending_migrations(sync_url(settings.DATABASE_URL), settings)
    except Exception as exc:  # not reachable yet: the database container is still starting
        return f"database not reachable ({one_line(exc)})"
    if error is not None:
        return f"migrations unreadable ({error})"
    behind = {label: n for label, n in (pending or {}).items() if n}
    if pending is None or behind:
        return "migrations pending" + (f" ({behind})" if behind else "")
    return None


async def wait_for_migrations(settings: DatabaseSettings) -> None:
    """Return once migrations are applied, or after `DATABASE_WAIT_FOR_MIGRATIONS` seconds."""
    limit = settings.DATABASE_WAIT_FOR_MIGRATIONS
    deadline = time.monotonic() + limit
    logger.info("waiting up to %g s for the database's migrations before serving", limit)
    while (state := await asyncio.to_thread(migrations_state, settings)) is not None:
        if time.monotonic() >= deadline:
            logger.warning("serving after %g s without the migrations: %s", limit, state)
            return
        await asyncio.sleep(POLL_SECONDS)
    logger.info("migrations applied; serving")
