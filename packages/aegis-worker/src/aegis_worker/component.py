"""The `worker` component as aegis-core sees it.

Cheap to import on purpose: discovery loads this module in every app and CLI start, so arq,
redis and the user's queue modules are imported only when a router, the CLI, a health check
or the dashboard actually asks for them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from aegis_core.component import (
    CliCommands,
    Component,
    DashboardAction,
    DashboardCard,
    DeferredRouter,
)

from aegis_worker.settings import WorkerConfig

if TYPE_CHECKING:
    from aegis_core.health.models import ComponentHealth
    from fastapi import APIRouter, FastAPI


async def health_check() -> ComponentHealth:
    """Redis (ping, latency, memory), and per queue: jobs due, live workers."""
    from aegis_worker.health import worker_health

    return await worker_health()


def routers() -> Sequence[DeferredRouter]:
    """Made after start-up: its routes come from the queue modules, which import arq and redis
    (~0.2 s), and the server answers without them."""
    return [DeferredRouter("/worker", _build_router)]


def _build_router() -> APIRouter:
    from aegis_worker.api import build_router

    return build_router()


def cli(commands: CliCommands) -> None:
    """`<slug> worker …` and `<slug> load-test …`."""
    from aegis_worker.cli import app, load_test_app

    commands.add(app)
    commands.add(load_test_app, name="load-test")


def dashboard_card(health: ComponentHealth) -> DashboardCard:
    from aegis_worker.health import dashboard_card as build_card

    return build_card(health)


def dashboard_actions() -> Sequence[DashboardAction]:
    """Enqueue a task, start a load test, retry a failed job (imported when drawn)."""
    from aegis_worker.dashboard import dashboard_actions as actions

    return actions()


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Close the API's Redis client and any load test at stop. The user's queue modules are
    imported after the app serves, by aegis-core's warm-up of the deferred router above."""
    yield
    from aegis_worker.api import close_api_state  # imports arq: not before the app serves
    from aegis_worker.live_load import stop_all as stop_load_tests

    await close_api_state(app)
    await stop_load_tests()


component = Component(
    settings=WorkerConfig,
    health_check=health_check,
    routers=routers,
    lifespan=lifespan,
    cli=cli,
    dashboard_card=dashboard_card,
    dashboard_actions=dashboard_actions,
)
