"""Small output helpers shared by the CLI commands: rich for humans, JSON for machines."""

from __future__ import annotations

from typing import NoReturn

from rich.console import Console

from aegis_core.health.models import HealthStatus

console = Console()
err_console = Console(stderr=True)

STATUS_STYLE = {
    HealthStatus.HEALTHY: "green",
    HealthStatus.INFO: "cyan",
    HealthStatus.WARNING: "yellow",
    HealthStatus.UNHEALTHY: "bold red",
}


def styled(status: HealthStatus) -> str:
    return f"[{STATUS_STYLE[status]}]{status}[/]"


def fail(message: str, code: int = 1) -> NoReturn:
    """Print a one-line error and exit; never a traceback for an expected failure.

    `soft_wrap`: rich would otherwise break a long message at the terminal width (80 columns
    when piped), and scripts that read the error see half a sentence per line.
    """
    import typer

    err_console.print(f"[bold red]Error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)
