"""Small output helpers shared by the CLI commands: rich for humans, JSON for machines."""

from __future__ import annotations

from typing import NoReturn

from rich.console import Console

console = Console()
err_console = Console(stderr=True)

# Keyed by the status values (HealthStatus is a StrEnum, so its members hit these keys): the
# CLI does not import the pydantic models just to colour a word.
STATUS_STYLE = {
    "healthy": "green",
    "info": "cyan",
    "warning": "yellow",
    "unhealthy": "bold red",
}


def styled(status: str) -> str:
    return f"[{STATUS_STYLE.get(status, 'bold')}]{status}[/]"


def fail(message: str, code: int = 1) -> NoReturn:
    """Print a one-line error and exit; never a traceback for an expected failure.

    `soft_wrap`: rich would otherwise break a long message at the terminal width (80 columns
    when piped), and scripts that read the error see half a sentence per line.
    """
    import typer
    from rich.markup import escape

    # escaped: a message quoting `[SQL: …]` or a list must print as written, not as markup
    err_console.print(f"[bold red]Error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)
