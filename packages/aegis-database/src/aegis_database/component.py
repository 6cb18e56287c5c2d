"""The `database` component as aegis-core sees it.

Cheap to import: SQLAlchemy, alembic and typer load only when health, lifespan or CLI run.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import version
from typing import TYPE_CHECKING

from aegis_core.component import Component, DashboardCard
from aegis_core.health.models import ComponentHealth

from aegis_database.settings import DatabaseSettings

if TYPE_CHECKING:
    import typer
    from fastapi import FastAPI


async def health_check() -> ComponentHealth:
    from aegis_database.health import check_database

    return await check_database()


def dashboard_card(health: ComponentHealth) -> DashboardCard:
    from aegis_database.health import dashboard_card as card

    return card(health)


def _warm_up() -> None:
    """Import health and migration code at startup, not inside the first health check's budget."""
    import aegis_database.health
    import aegis_database.migrations.commands  # noqa: F401


@asynccontextmanager
async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
    """Warm up, then close the pools on shutdown so PostgreSQL sees clean disconnects."""
    import asyncio

    await asyncio.to_thread(_warm_up)
    try:
        yield
    finally:
        from aegis_database.engine import dispose_async_engines

        await dispose_async_engines()


def cli() -> typer.Typer:
    from aegis_database.cli import app

    return app


component = Component(
    name="database",
    kind="component",
    version=version("aegis-database"),
    supports_core=">=0.1,<0.2",
    description="SQLModel persistence: SQLite by default, PostgreSQL by DATABASE_URL.",
    requires=(),
    settings=DatabaseSettings,
    health_check=health_check,
    lifespan=lifespan,
    cli=cli,
    cli_aliases=("db",),
    dashboard_card=dashboard_card,
    extras={"migrations_entry_point_group": "aegis.migrations"},
)
