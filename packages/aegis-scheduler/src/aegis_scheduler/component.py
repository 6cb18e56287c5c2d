"""The `scheduler` component as aegis-core sees it.

Cheap to import: APScheduler loads only when health, the lifespan or the CLI run.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import version
from typing import TYPE_CHECKING

from aegis_core.component import Component, DashboardCard
from aegis_core.health.models import ComponentHealth

from aegis_scheduler.settings import SchedulerSettings

if TYPE_CHECKING:
    import typer
    from fastapi import FastAPI


async def health_check() -> ComponentHealth:
    from aegis_scheduler.health import check_scheduler

    return await check_scheduler()


def dashboard_card(health: ComponentHealth) -> DashboardCard:
    from aegis_scheduler.health import dashboard_card as card

    return card(health)


@asynccontextmanager
async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
    """With SCHEDULER_IN_PROCESS=true, run the scheduler inside the web process (dev only)."""
    settings = SchedulerSettings()
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


def cli() -> typer.Typer:
    from aegis_scheduler.cli import app

    return app


component = Component(
    name="scheduler",
    kind="component",
    version=version("aegis-scheduler"),
    supports_core=">=0.1,<0.2",
    description="Scheduled jobs with APScheduler 3.x in their own process, with a heartbeat.",
    requires=(),
    settings=SchedulerSettings,
    health_check=health_check,
    lifespan=lifespan,
    cli=cli,
    dashboard_card=dashboard_card,
)
