"""`<slug> health status | probe`: ask the running server, validate with the API's models.

httpx, pydantic and the models are imported when a command runs, not when the CLI is built:
every `<slug> …` invocation (and `--help`) builds the whole CLI first.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Annotated

import typer

from aegis_core.cli.output import console, fail, styled

if TYPE_CHECKING:
    import httpx
    from rich.tree import Tree

    from aegis_core.health.models import ComponentHealth, DetailedHealth

app = typer.Typer(help="Ask the running server how it is.", no_args_is_help=True)

UrlOption = Annotated[
    str | None,
    typer.Option(
        "--url",
        help="Server base URL. Default: $AEGIS_SERVER_URL or http://127.0.0.1:$PORT (8000).",
        show_default=False,
    ),
]
TimeoutOption = Annotated[float, typer.Option(help="Seconds to wait for the server.")]


def server_url(url: str | None) -> str:
    if url:
        return url.rstrip("/")
    if env_url := os.environ.get("AEGIS_SERVER_URL"):
        return env_url.rstrip("/")
    from aegis_core.settings import CoreSettings

    return f"http://127.0.0.1:{CoreSettings().PORT}"  # $PORT or .env, like `serve`


def fetch(path: str, url: str | None, timeout: float) -> httpx.Response:
    import httpx

    base = server_url(url)
    try:
        response = httpx.get(f"{base}{path}", timeout=timeout)
    except httpx.HTTPError as exc:
        fail(f"cannot reach the server at {base} ({type(exc).__name__}); start it with `serve`")
    if response.status_code not in (200, 503):
        fail(f"{base}{path} answered HTTP {response.status_code}; is this an Aegis app?")
    return response


@app.command()
def status(
    detailed: Annotated[bool, typer.Option("--detailed", help="Show the whole tree.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
    url: UrlOption = None,
    timeout: TimeoutOption = 10.0,
) -> None:
    """Show the health of the running server; exit 1 when it is unhealthy or unreachable."""
    from pydantic import ValidationError

    from aegis_core.health.models import DetailedHealth

    response = fetch("/health/detailed", url, timeout)
    try:
        health = DetailedHealth.model_validate(response.json())
    except (ValueError, ValidationError) as exc:
        fail(f"the server's health reply is not valid: {str(exc).splitlines()[0]}")
    if as_json:
        payload = health if detailed else health.summary()
        typer.echo(payload.model_dump_json(indent=2))
    else:
        _print_tree(health, detailed)
    raise typer.Exit(0 if health.healthy else 1)


@app.command()
def probe(url: UrlOption = None, timeout: TimeoutOption = 5.0) -> None:
    """Exit 0 when healthy, 1 otherwise: for a container HEALTHCHECK. Prints one line."""
    import httpx
    from pydantic import ValidationError

    from aegis_core.health.models import HealthSummary

    base = server_url(url)
    try:
        response = httpx.get(f"{base}/health", timeout=timeout)
        summary = HealthSummary.model_validate(response.json())
    except (httpx.HTTPError, ValueError, ValidationError) as exc:
        typer.echo(f"unhealthy: {base} unreachable or invalid ({type(exc).__name__})")
        raise typer.Exit(1) from None
    typer.echo(summary.status)
    raise typer.Exit(0 if summary.healthy else 1)


def _print_tree(health: DetailedHealth, detailed: bool) -> None:
    from rich.tree import Tree

    tree = Tree(f"[bold]{health.app_name}[/] {styled(health.status)}")
    for title, group in (("components", health.components), ("services", health.services)):
        if not group:
            continue
        branch = tree.add(f"[bold]{title}[/]")
        for entry in group.values():
            _add_node(branch, entry, detailed)
    console.print(tree)


def _add_node(parent: Tree, node: ComponentHealth, detailed: bool) -> None:
    timing = f" [dim]{node.response_time_ms:.0f} ms[/]" if node.response_time_ms else ""
    version = f" [dim]v{node.version}[/]" if node.version else ""
    branch = parent.add(f"{node.name}{version} {styled(node.status)} {node.message}{timing}")
    if not detailed:
        return
    for key, value in node.metadata.items():
        branch.add(f"[dim]{key}:[/] {value}")
    for child in node.sub_components.values():
        _add_node(branch, child, detailed)
