"""Output for humans: one console, one way to print errors, steps and progress."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.markup import escape

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


def error(message: str, hint: str | None = None) -> None:
    """One line on stderr; the message is shown as written (`scheduler[sqlite]` is not markup)."""
    err_console.print(f"[bold red]Error:[/] {escape(message)}")
    if hint:
        err_console.print(f"[dim]{escape(hint)}[/]")


def note(message: str) -> None:
    """A second line on stderr after an error: what was done about it."""
    err_console.print(escape(message))


def step(message: str) -> None:
    console.print(f"[green]✓[/] {message}")


@contextmanager
def progress(message: str) -> Iterator[None]:
    """A spinner while a long step runs (plain line when not on a terminal), then a tick."""
    if console.is_terminal:
        with console.status(message):
            yield
    else:
        console.print(f"… {message}")
        yield
    step(message.rstrip("…. "))
