"""`<slug> ingress status`: what Traefik says, from the project's settings."""

from __future__ import annotations

import asyncio

import typer

app = typer.Typer(
    help="Ingress (Traefik): check the proxy, its routers and certificates.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.command()
def status() -> None:
    """Say how Traefik is (exit 1 on a warning: usable in scripts)."""
    from aegis_core.health.models import HealthStatus

    from aegis_ingress.health import check_ingress

    health = asyncio.run(check_ingress())
    typer.echo(f"{health.status}: {health.message}")
    for row in health.metadata.get("routers", []):
        typer.echo(f"  router {row['name']}: {row['status']}")
    for domain, expiry in health.metadata.get("certificates", {}).items():
        typer.echo(f"  certificate {domain}: {expiry}")
    if health.status is HealthStatus.WARNING:
        raise typer.Exit(1)
