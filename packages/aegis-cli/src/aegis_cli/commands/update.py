"""`aegis update [--dry-run] [--to-version V]`: the project scaffold to a newer template version."""

from __future__ import annotations

from pathlib import Path

from rich.markup import escape

from aegis_cli.console import console
from aegis_cli.lifecycle.project import open_project
from aegis_cli.lifecycle.update import UpdateResult, update


def run_update(project_path: Path, to_version: str | None, *, dry_run: bool) -> None:
    result = update(open_project(project_path), to_version, dry_run=dry_run)
    show(result, dry_run=dry_run)


def show(result: UpdateResult, *, dry_run: bool) -> None:
    """Merged files, then conflicts (left with copier's markers for the user), then next steps."""
    for note in result.notes:
        console.print(f"[yellow]Note:[/] {escape(note)}", soft_wrap=True)
    if not (result.changed or result.deleted):
        console.print(f"The project is at template version {result.old}; nothing to update.")
        return
    verb = "Would update" if dry_run else "Updated"
    console.print(f"[bold]{verb} the project template {result.old} → {result.new}[/]")
    merged = [f for f in result.changed if f not in result.conflicts]
    for heading, files in (("Merged", merged), ("Deleted", result.deleted)):
        if files:
            console.print(f"{heading}:")
            for relative in files:
                console.print(f"  - {escape(relative)}")
    if result.conflicts:
        console.print("[yellow]Conflicts[/] (your change and the template's touch the same lines):")
        for relative in result.conflicts:
            console.print(f"  - {escape(relative)}")
        if not dry_run:
            console.print("Resolve the <<<<<<< / >>>>>>> markers in those files, then commit.")
    if dry_run:
        console.print("Dry run: nothing was changed.")
    elif not result.conflicts:
        console.print("[dim]Review with `git diff`, then commit.[/]")
