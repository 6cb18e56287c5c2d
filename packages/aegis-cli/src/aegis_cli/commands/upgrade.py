"""`aegis upgrade NAME [--to VERSION]`: one aegis-* package moves in the lock, nothing else."""

from __future__ import annotations

from pathlib import Path

from aegis_cli.catalog import catalog, use_project
from aegis_cli.errors import UsageError
from aegis_cli.lifecycle.engine import Settings
from aegis_cli.lifecycle.project import open_project
from aegis_cli.lifecycle.report import show
from aegis_cli.lifecycle.upgrade import upgrade


def run_upgrade(
    name: str,
    version: str | None,
    project_path: Path,
    *,
    dry_run: bool,
    force: bool,
    with_core: bool = False,
) -> None:
    """Accept `scheduler` or `aegis-scheduler`; any catalog name, component or service."""
    name = name.strip().removeprefix("aegis-")
    if version is not None and not version.strip():
        raise UsageError("--to needs a version, e.g. --to 0.2.0")
    project = open_project(project_path)
    use_project(project)
    if name not in {e.name for e in catalog()}:
        valid = ", ".join(e.name for e in catalog())
        raise UsageError(f"unknown component or service {name!r}; valid names: {valid}")
    settings = Settings(dry_run=dry_run, force=force)
    outcome = upgrade(project, name, version, settings, with_core=with_core)
    show(outcome, dry_run=dry_run)
