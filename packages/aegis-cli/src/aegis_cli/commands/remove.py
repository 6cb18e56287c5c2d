"""`aegis remove NAMES` / `aegis remove-service NAMES`: take components or services out again."""

from __future__ import annotations

from pathlib import Path

from aegis_cli.catalog import Kind, use_project
from aegis_cli.commands.confirmed import rehearse_confirm_apply
from aegis_cli.errors import UsageError
from aegis_cli.lifecycle.engine import remove
from aegis_cli.lifecycle.project import open_project
from aegis_cli.selection import parse


def run_remove(
    raw: str, kind: Kind, project_path: Path, *, yes: bool, dry_run: bool, force: bool
) -> None:
    """Parse the names (options in brackets do not matter here), confirm, remove."""
    project = open_project(project_path)
    use_project(project)  # its index, and what its manifest records (works offline)
    names = [selected.name for selected in parse(raw, kind)]
    if not names:
        raise UsageError(f"name at least one {kind} to remove")
    rehearse_confirm_apply(
        lambda settings: remove(project, names, settings), yes=yes, dry_run=dry_run, force=force
    )
