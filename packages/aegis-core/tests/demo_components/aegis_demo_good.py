"""A healthy demo component: health with metadata and a sub-component, a router, a dashboard
card and a CLI sub-app. Installed as distribution `aegis-demo-good` by the tests."""

from __future__ import annotations

import typer
from aegis_core import Component, ComponentHealth, DashboardCard, HealthStatus
from fastapi import APIRouter


async def health_check() -> ComponentHealth:
    cache = ComponentHealth(name="cache", status=HealthStatus.HEALTHY, message="warm")
    return ComponentHealth(
        name="good",
        status=HealthStatus.HEALTHY,
        message="all jobs flowing",
        metadata={"queue_depth": 3, "mode": "demo"},
        sub_components={"cache": cache},
    )


def routers() -> list[APIRouter]:
    from fastapi import APIRouter

    router = APIRouter(prefix="/good", tags=["good"])

    @router.get("/ping")
    async def ping() -> dict[str, object]:
        return {"pong": True, "component": "good"}

    return [router]


def cli() -> typer.Typer:
    import typer

    app = typer.Typer(help="The good demo component.")

    @app.command()
    def hello(name: str = "world") -> None:
        """Say hello (proves the sub-app is mounted)."""
        typer.echo(f"hello {name} from good")

    @app.command()
    def version() -> None:
        typer.echo("good 1.2.3")

    return app


def dashboard_card(health: ComponentHealth) -> DashboardCard:
    depth = health.metadata.get("queue_depth", "?")
    return DashboardCard(title="Good Component", rows=[("Queue depth", str(depth))])


component = Component(
    name="good",
    version="1.2.3",
    supports_core=">=0.1,<0.2",
    description="A healthy demo component.",
    health_check=health_check,
    routers=routers,
    cli=cli,
    dashboard_card=dashboard_card,
)
