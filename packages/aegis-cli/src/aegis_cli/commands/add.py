"""`aegis add NAMES` / `aegis add-service NAMES`: grow a project by components or services."""

from __future__ import annotations

from pathlib import Path

from aegis_cli.catalog import Kind
from aegis_cli.errors import UsageError
from aegis_cli.lifecycle.engine import Settings, add
from aegis_cli.lifecycle.project import open_project
from aegis_cli.lifecycle.report import show
from aegis_cli.selection import parse


def run_add(
    raw: str, kind: Kind, project_path: Path, *, yes: bool, dry_run: bool, force: bool
) -> None:
    """Parse the names, show the plan and ask on a terminal (unless --yes), then add."""
    requested = parse(raw, kind)
    if not requested:
        raise UsageError(f"name at least one {kind} to add (see `aegis {kind}s`)")
    project = open_project(project_path)
    if needs_confirmation(yes=yes, dry_run=dry_run):
        preview = add(project, requested, Settings(dry_run=True, force=force))
        show(preview, dry_run=True)
        if not preview.title or not confirm("Go ahead?"):
            return
    outcome = add(project, requested, Settings(dry_run=dry_run, force=force))
    show(outcome, dry_run=dry_run)
    if outcome.title and not dry_run:
        from aegis_cli.console import console

        console.print("[dim]Review with `git status`, then commit.[/]")


def needs_confirmation(*, yes: bool, dry_run: bool) -> bool:
    """Ask only a person at a terminal; scripts and --yes go straight on."""
    import sys

    return sys.stdin.isatty() and not yes and not dry_run


def confirm(question: str) -> bool:
    import typer

    return typer.confirm(question, default=True)
