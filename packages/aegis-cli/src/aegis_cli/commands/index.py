"""`aegis index show` / `aegis index set URL`: where a project gets its aegis-* packages."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from aegis_cli.console import console

index_app = typer.Typer(
    help=(
        "Where this project gets its aegis-* packages. Every aegis-* package comes from this "
        "one index, never from PyPI (unrelated projects own some of those names)."
    ),
    no_args_is_help=True,
    rich_markup_mode=None,
)

ProjectPath = Annotated[
    Path, typer.Option("--project-path", "-p", help="The project folder (default: here).")
]


@index_app.command("show")
def show(project_path: ProjectPath = Path(".")) -> None:
    """Print the project's index and the aegis-* versions it locks."""
    from aegis_cli.lifecycle.project import open_project
    from aegis_cli.lifecycle.published_templates import project_index
    from aegis_cli.lifecycle.reindex import aegis_versions

    project = open_project(project_path)
    index = project_index(project)
    console.print(f"Aegis index: {escape(index.url) if index else 'none'}")
    for name, version in sorted(aegis_versions(project).items()):
        console.print(f"  {name} {version}")


@index_app.command("set")
def set_(
    url: Annotated[str, typer.Argument(help="The new index, e.g. https://aegis.example/simple/")],
    project_path: ProjectPath = Path("."),
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show the move, change nothing.")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Proceed with uncommitted changes in git.")
    ] = False,
) -> None:
    """Move the project to another index, keeping every locked version (refused otherwise)."""
    from aegis_cli.lifecycle.project import open_project
    from aegis_cli.lifecycle.reindex import set_index

    change = set_index(open_project(project_path), url, dry_run=dry_run, force=force)
    if change.old == change.new:
        console.print(f"The project already uses {escape(change.new)}; nothing to change.")
        return
    verb = "Would move" if dry_run else "Moved"
    console.print(
        f"{verb} the Aegis index {escape(change.old)} → {escape(change.new)}", soft_wrap=True
    )
    kept = ", ".join(f"{name} {version}" for name, version in sorted(change.versions.items()))
    console.print(f"Versions kept: {kept}", soft_wrap=True)
    if dry_run:
        console.print("Dry run: nothing was changed.")
    else:
        console.print("[dim]Review with `git diff`, then commit pyproject.toml and uv.lock.[/]")
