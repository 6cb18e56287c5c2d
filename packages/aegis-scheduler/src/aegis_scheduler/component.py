"""The `scheduler` component as aegis-core sees it.

Cheap to import: APScheduler loads only when health, the lifespan or the CLI run.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from aegis_core.component import CliCommands, Component, DashboardAction, DashboardCard
from aegis_core.health.models import ComponentHealth

from aegis_scheduler.settings import SchedulerSettings, get_settings

if TYPE_CHECKING:
    from fastapi import FastAPI


async def health_check() -> ComponentHealth:
    from aegis_scheduler.health import check_scheduler

    return await check_scheduler()


def dashboard_card(health: ComponentHealth) -> DashboardCard:
    from aegis_scheduler.health import dashboard_card as card

    return card(health)


def dashboard_actions() -> Sequence[DashboardAction]:
    """The "Run job now" button (imported when the dashboard draws the card)."""
    from aegis_scheduler.dashboard import dashboard_actions as actions

    return actions()


@asynccontextmanager
async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
    """With SCHEDULER_IN_PROCESS=true, run the scheduler inside the web process (dev only)."""
    settings = get_settings()
    if not settings.SCHEDULER_IN_PROCESS:
        yield
        return
    from aegis_scheduler.health import set_in_process
    from aegis_scheduler.runner import SchedulerService

    service = SchedulerService(settings, in_process=True)
    await service.start()
    set_in_process(service)
    try:
        yield
    finally:
        set_in_process(None)
        await service.stop()


def cli(commands: CliCommands) -> None:
    """`<slug> scheduler run | jobs | status`."""
    from aegis_scheduler.cli import app

    commands.add(app)


component = Component(
    settings=SchedulerSettings,
    health_check=health_check,
    lifespan=lifespan,
    cli=cli,
    dashboard_card=dashboard_card,
    dashboard_actions=dashboard_actions,
)
