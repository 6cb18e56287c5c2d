"""The flow `add` and `remove` share: on a terminal, rehearse and ask; then apply and report."""

from __future__ import annotations

import sys
from collections.abc import Callable

from aegis_cli.lifecycle.engine import Settings
from aegis_cli.lifecycle.report import Outcome, show


def rehearse_confirm_apply(
    operation: Callable[[Settings], Outcome], *, yes: bool, dry_run: bool, force: bool
) -> None:
    """Run `operation` for real, after a dry run the user accepted when a person is asking."""
    if needs_confirmation(yes=yes, dry_run=dry_run):
        preview = operation(Settings(dry_run=True, force=force))
        show(preview, dry_run=True)
        if not preview.title or not confirm("Go ahead?"):
            return
    outcome = operation(Settings(dry_run=dry_run, force=force))
    show(outcome, dry_run=dry_run)
    if outcome.title and not dry_run:
        from aegis_cli.console import console

        console.print("[dim]Review with `git status`, then commit.[/]")


def needs_confirmation(*, yes: bool, dry_run: bool) -> bool:
    """Ask only a person at a terminal; scripts and --yes go straight on."""
    return sys.stdin.isatty() and not yes and not dry_run


def confirm(question: str) -> bool:
    import typer

    return typer.confirm(question, default=True)
