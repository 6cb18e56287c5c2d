"""`aegis add NAMES` / `aegis add-service NAMES`: grow a project by components or services."""

from __future__ import annotations

from pathlib import Path

from aegis_cli.catalog import Kind, use_project
from aegis_cli.commands.confirmed import rehearse_confirm_apply
from aegis_cli.errors import UsageError
from aegis_cli.lifecycle.engine import add
from aegis_cli.lifecycle.project import open_project
from aegis_cli.selection import parse


def run_add(
    raw: str, kind: Kind, project_path: Path, *, yes: bool, dry_run: bool, force: bool
) -> None:
    """Parse the names, show the plan and ask on a terminal (unless --yes), then add."""
    project = open_project(project_path)
    use_project(project)  # what the project's index offers
    requested = parse(raw, kind)
    if not requested:
        raise UsageError(f"name at least one {kind} to add (see `aegis {kind}s`)")
    rehearse_confirm_apply(
        lambda settings: add(project, requested, settings), yes=yes, dry_run=dry_run, force=force
    )
