"""The `database` component as aegis-core sees it.

Cheap to import: SQLAlchemy and typer load only when health, lifespan or CLI run; alembic
loads only in the CLI and in the short-lived subprocess that reads migration lineages.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from aegis_core.component import CliCommands, Component, DashboardCard
from aegis_core.health.models import ComponentHealth

from aegis_database.settings import DatabaseSettings

if TYPE_CHECKING:
    from fastapi import FastAPI


async def health_check() -> ComponentHealth:
    from aegis_database.health import check_database

    return await check_database()


def dashboard_card(health: ComponentHealth) -> DashboardCard:
    from aegis_database.health import dashboard_card as card

    return card(health)


def _warm_up() -> None:
    """Import the health code (SQLAlchemy) and read the installed migrations' lineage (in a
    subprocess: alembic stays out of this process) before the first health check needs them,
    so its time budget goes to the database, not to imports."""
    import aegis_database.health  # noqa: F401
    from aegis_database.migrations.lineage import installed_lineages
    from aegis_database.settings import get_settings

    installed_lineages(get_settings())


@asynccontextmanager
async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
    """Warm up once the app serves (not before), close the pools on shutdown so PostgreSQL
    sees clean disconnects."""
    from aegis_core.startup import warming

    from aegis_database.settings import get_settings

    settings = get_settings()
    if settings.DATABASE_WAIT_FOR_MIGRATIONS > 0:
        from aegis_database.readiness import wait_for_migrations

        await wait_for_migrations(settings)
    try:
        async with warming(_warm_up, what="database"):
            yield
    finally:
        from aegis_database.engine import dispose_async_engines

        await dispose_async_engines()


def cli(commands: CliCommands) -> None:
    """`<slug> database …`, and `<slug> db …` for short (the Makefile and docs use `db`)."""
    from aegis_database.cli import app

    commands.add(app)
    commands.add(app, name="db")


component = Component(
    settings=DatabaseSettings,
    health_check=health_check,
    lifespan=lifespan,
    cli=cli,
    dashboard_card=dashboard_card,
)
