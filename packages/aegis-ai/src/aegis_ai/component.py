"""The `ai` service as aegis-core sees it.

Cheap to import: PydanticAI, the provider SDKs and rich load only when a route, health or the
CLI runs.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from aegis_core.component import CliCommands, Component, DashboardCard
from aegis_core.health.models import ComponentHealth

from aegis_ai.settings import AISettings

if TYPE_CHECKING:
    from fastapi import APIRouter, FastAPI


async def health_check() -> ComponentHealth:
    from aegis_ai.health import check_ai

    return await check_ai()


def dashboard_card(health: ComponentHealth) -> DashboardCard:
    from aegis_ai.health import dashboard_card as card

    return card(health)


def _warm_up() -> None:
    """Import PydanticAI and the provider's SDK and build the agent at startup, not inside the
    first health check's budget or the first chat (a configuration error waits for them)."""
    import aegis_ai.health
    import aegis_ai.streaming  # noqa: F401
    from aegis_ai.agent import get_agent
    from aegis_ai.providers import NotConfigured

    try:
        get_agent()
    except NotConfigured:
        pass  # health and every chat say what to set
    except Exception:  # the project's app/services/ai.py is broken: chats will show it
        logging.getLogger("aegis.ai").exception("could not build the AI agent at startup")


@asynccontextmanager
async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
    await asyncio.to_thread(_warm_up)
    yield


def routers() -> Sequence[APIRouter]:
    from aegis_ai.api import build_router

    return [build_router()]


def cli(commands: CliCommands) -> None:
    """`<slug> ai chat | providers | conversations | status`."""
    from aegis_ai.cli import app

    commands.add(app)


component = Component(
    settings=AISettings,
    health_check=health_check,
    routers=routers,
    lifespan=lifespan,
    cli=cli,
    dashboard_card=dashboard_card,
)
