"""The `ingress` component as aegis-core sees it.

Cheap to import: httpx and cryptography load only when health runs; the allowlist middleware
is a small ASGI class.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aegis_core.component import CliCommands, Component, DashboardCard
from aegis_core.health.models import ComponentHealth

from aegis_ingress.settings import IngressSettings, get_settings

if TYPE_CHECKING:
    from fastapi import FastAPI


async def health_check() -> ComponentHealth:
    from aegis_ingress.health import check_ingress

    return await check_ingress()


def dashboard_card(health: ComponentHealth) -> DashboardCard:
    from aegis_ingress.health import dashboard_card as card

    return card(health)


def middleware(app: FastAPI) -> None:
    """Admin pages only for ADMIN_IP_ALLOWLIST, whether or not Traefik is in front."""
    from aegis_ingress.allowlist import AdminAllowlist

    app.add_middleware(AdminAllowlist, settings=get_settings())


def cli(commands: CliCommands) -> None:
    """`<slug> ingress status`."""
    from aegis_ingress.cli import app

    commands.add(app)


component = Component(
    settings=IngressSettings,
    health_check=health_check,
    middleware=middleware,
    cli=cli,
    dashboard_card=dashboard_card,
)
