"""`aegis status [--json] [--repair]`: installed components and services, versions, drift."""

from __future__ import annotations

import json
from pathlib import Path

from aegis_cli.catalog import use_project
from aegis_cli.lifecycle.project import git_changes, open_project
from aegis_cli.lifecycle.status import collect, show


def run_status(project_path: Path, *, as_json: bool, repair: bool = False) -> None:
    """With --repair, first rebuild the manifest (see lifecycle/repair.py), then report."""
    project = open_project(project_path)
    use_project(project)
    if repair:
        from aegis_cli.lifecycle.repair import repair as rebuild
        from aegis_cli.lifecycle.report import show as show_outcome

        outcome = rebuild(project)
        if not as_json:
            show_outcome(outcome)
    status = collect(project)
    if as_json:
        print(json.dumps(status.to_data(), indent=2))
        return
    show(status)
    if any(d.fix.startswith("aegis ") for d in status.drift) and git_changes(project.root):
        from aegis_cli.console import console

        console.print(
            "[dim]Commit first: aegis add/remove refuse to mix their changes with uncommitted "
            "work (git is your undo).[/]"
        )
