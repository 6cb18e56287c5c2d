"""`aegis init NAME`: render the thin project, install it, make the first commit.

All or nothing: when any step fails, the folder we created is removed again (a folder that
existed empty is emptied), so a failed init leaves the disk as it was.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from rich.table import Table

from aegis_cli.console import console, progress, step
from aegis_cli.errors import UsageError
from aegis_cli.names import validate_project_name
from aegis_cli.paths import template_version, templates_dir
from aegis_cli.runner import run
from aegis_cli.selection import Selected, parse, with_requirements


@dataclass(frozen=True)
class InitPlan:
    name: str
    target: Path
    selected: list[Selected]
    python: str


def plan_init(
    name: str, output_dir: Path, components: str | None, services: str | None, python: str
) -> InitPlan:
    """Check every input before anything is written."""
    validate_project_name(name)
    target = (output_dir / name).resolve()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UsageError(f"{target} already exists and is not empty; choose another name or folder")
    if not _valid_python(python):
        raise UsageError(f"--python {python!r} is not a Python version like 3.11 or 3.12")
    chosen = parse(components, "component") + parse(services, "service")
    return InitPlan(name, target, with_requirements(chosen), python)


def _valid_python(version: str) -> bool:
    parts = version.split(".")
    return (
        len(parts) == 2
        and all(p.isdigit() for p in parts)
        and (int(parts[0]), int(parts[1])) >= (3, 11)
    )


def show_plan(plan: InitPlan) -> None:
    table = Table(show_header=False, box=None, padding=(0, 2))
    table.add_row("project", f"[bold]{plan.name}[/] in {plan.target}")
    table.add_row("python", plan.python)
    for item in plan.selected:
        why = f" (required by {item.required_by})" if item.required_by else ""
        table.add_row(item.entry.kind, f"{item.spec}: {item.entry.summary}{why}")
    if not plan.selected:
        table.add_row("stack", "FastAPI + Flet + Typer (add components any time)")
    console.print(table)


def execute_init(plan: InitPlan) -> None:
    from aegis_cli.index import resolve_index

    index = resolve_index()
    created = not plan.target.exists()
    try:
        _render(plan, index.url, index.format)
        step(f"Rendered the project into {plan.target}")
        if plan.selected:
            from aegis_cli.lifecycle.engine import add_to_fresh_project

            add_to_fresh_project(plan.target, plan.selected)
        with progress("Installing dependencies (uv sync)…"):
            run(["uv", "sync"], cwd=plan.target, what="install the project's dependencies")
        _git_init(plan.target)
    except BaseException:
        _undo(plan.target, created)
        raise
    console.print(
        f"\n[bold green]Created {plan.name}.[/] Next:\n"
        f"  cd {plan.target}\n  make serve        # http://127.0.0.1:8000/health and /dashboard\n"
        f"  uv run {plan.name} --help"
    )


def _render(plan: InitPlan, index_url: str, index_format: str) -> None:
    from copier import run_copy

    run_copy(
        str(templates_dir() / "project"),
        str(plan.target),
        data={
            "project_slug": plan.name,
            "python_version": plan.python,
            "aegis_index_url": index_url,
            "aegis_index_format": index_format,
            "template_version": template_version("project"),
        },
        defaults=True,
        quiet=True,
        unsafe=False,
    )


def _git_init(target: Path) -> None:
    identity = ["-c", "user.name=Aegis", "-c", "user.email=aegis@localhost"]
    has_identity = shutil.which("git") is not None and _git_has_identity(target)
    run(["git", "init", "-q", "-b", "main"], cwd=target, what="initialise git")
    run(["git", "add", "-A"], cwd=target, what="stage the project in git")
    commit = ["git", *([] if has_identity else identity), "commit", "-q", "-m"]
    run([*commit, "Initial commit from aegis init"], cwd=target, what="make the first commit")
    step("Initialised git with a first commit")


def _git_has_identity(cwd: Path) -> bool:
    import subprocess

    result = subprocess.run(
        ["git", "config", "user.email"], cwd=cwd.parent, capture_output=True, text=True
    )
    return bool(result.stdout.strip())


def _undo(target: Path, created: bool) -> None:
    if not target.exists():
        return
    if created:
        shutil.rmtree(target, ignore_errors=True)
        return
    for child in target.iterdir():
        shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
