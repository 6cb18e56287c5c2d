"""The `auth` service as aegis-core sees it.

Cheap to import: PyJWT, pwdlib, SQLAlchemy and typer load only when the routes, the health
check, the lifespan or the CLI are used.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from aegis_core.component import CliCommands, Component, DashboardCard
from aegis_core.health.models import ComponentHealth

from aegis_auth.settings import AuthSettings

if TYPE_CHECKING:
    from fastapi import APIRouter, FastAPI

logger = logging.getLogger("aegis.auth")


async def health_check() -> ComponentHealth:
    from aegis_auth.health import check_auth

    return await check_auth()


def dashboard_card(health: ComponentHealth) -> DashboardCard:
    from aegis_auth.health import dashboard_card as card

    return card(health)


def routers() -> Sequence[APIRouter]:
    from aegis_auth.api import router

    return [router]


def _warm_up() -> None:
    """Import and build what the first health check and the first login need at startup, not
    inside the health check's time budget (or the first user's request)."""
    import aegis_auth.api
    import aegis_auth.health
    from aegis_auth.passwords import verify_dummy

    verify_dummy("warm-up")
    _ = aegis_auth.api.router, aegis_auth.health.check_auth


@asynccontextmanager
async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
    """Refuse to start on unusable settings (a placeholder secret in production), even where
    the project has no settings module that would have checked them already."""
    from aegis_auth.settings import get_settings, is_placeholder

    get_settings.cache_clear()
    settings = get_settings()
    if is_placeholder(settings.AUTH_SECRET_KEY):
        logger.warning("AUTH_SECRET_KEY is not set: tokens use a development-only key")
    await asyncio.to_thread(_warm_up)
    yield


def middleware(app: FastAPI) -> None:
    """Operator surfaces (detailed health, the worker API) answer superusers only."""
    from aegis_core.settings import CoreSettings

    from aegis_auth.operators import SuperuserGate

    runtime = getattr(app.state, "aegis", None)
    settings = runtime.settings if runtime is not None else CoreSettings()
    app.add_middleware(SuperuserGate, api_prefix=settings.API_PREFIX)


def cli(commands: CliCommands) -> None:
    """`<slug> auth …`: create and manage users."""
    from aegis_auth.cli import app

    commands.add(app)


component = Component(
    settings=AuthSettings,
    health_check=health_check,
    routers=routers,
    middleware=middleware,
    lifespan=lifespan,
    cli=cli,
    dashboard_card=dashboard_card,
)
