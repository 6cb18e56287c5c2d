"""The `worker` component as aegis-core sees it.

Cheap to import on purpose: discovery loads this module in every app and CLI start, so arq,
redis and the user's queue modules are imported only when a router, the CLI, a health check
or the dashboard actually asks for them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from importlib.metadata import version
from typing import TYPE_CHECKING

from aegis_core.component import Component, DashboardCard

from aegis_worker.settings import WorkerConfig

if TYPE_CHECKING:
    import typer
    from aegis_core.health.models import ComponentHealth
    from fastapi import APIRouter, FastAPI


async def health_check() -> ComponentHealth:
    """Redis (ping, latency, memory), and per queue: jobs due, live workers."""
    from aegis_worker.health import worker_health

    return await worker_health()


def routers() -> Sequence[APIRouter]:
    from aegis_worker.api import build_router

    return [build_router()]


def cli() -> typer.Typer:
    from aegis_worker.cli import build_cli

    return build_cli()


def commands() -> dict[str, typer.Typer]:
    from aegis_worker.cli import build_load_test_cli

    return {"load-test": build_load_test_cli()}


def dashboard_card(health: ComponentHealth) -> DashboardCard:
    from aegis_worker.health import dashboard_card as build_card

    return build_card(health)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Warm the imports at startup (arq, the user's queue modules), so the first health check
    spends its time budget on Redis, not on imports; close the API's Redis client at stop."""
    from aegis_worker.api import close_api_state
    from aegis_worker.health import warm_up

    warm_up()
    yield
    await close_api_state(app)


component = Component(
    name="worker",
    kind="component",
    version=version("aegis-worker"),
    supports_core=">=0.1,<0.2",
    description="Background jobs with arq on Redis.",
    requires=(),
    settings=WorkerConfig,
    health_check=health_check,
    routers=routers,
    lifespan=lifespan,
    cli=cli,
    commands=commands,
    dashboard_card=dashboard_card,
)
