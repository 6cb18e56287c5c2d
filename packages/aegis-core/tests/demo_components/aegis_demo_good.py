"""A healthy demo component: health with metadata and a sub-component, a router, a dashboard
card and a CLI sub-app. Installed as distribution `aegis-demo-good` by the tests."""

from __future__ import annotations

from aegis_core import CliCommands, Component, ComponentHealth, DashboardCard, HealthStatus
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

    @router.get("/motto")
    async def motto() -> dict[str, str]:  # the test project defines this path too
        return {"motto": "the component's"}

    return [router]


def cli(commands: CliCommands) -> None:
    import typer

    app = typer.Typer(help="The good demo component.")

    @app.command()
    def hello(name: str = "world") -> None:
        """Say hello (proves the sub-app is mounted)."""
        typer.echo(f"hello {name} from good")

    @app.command()
    def version() -> None:
        typer.echo("good 1.2.3")

    commands.add(app)


def dashboard_card(health: ComponentHealth) -> DashboardCard:
    depth = health.metadata.get("queue_depth", "?")
    return DashboardCard(title="Good Component", rows=[("Queue depth", str(depth))])


component = Component(
    health_check=health_check,
    routers=routers,
    cli=cli,
    dashboard_card=dashboard_card,
)
