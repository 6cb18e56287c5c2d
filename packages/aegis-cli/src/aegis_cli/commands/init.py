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
from aegis_cli.errors import AegisError, Interrupted, UsageError
from aegis_cli.names import valid_python, validate_project_name
from aegis_cli.paths import (
    check_output_dir,
    remove_created,
    template_version,
    templates_dir,
    user_path,
)
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
    output_dir = user_path(output_dir, "--output-dir")
    target = (output_dir / name).resolve()
    check_output_dir(output_dir)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UsageError(f"{target} already exists and is not empty; choose another name or folder")
    if not valid_python(python):
        raise UsageError(f"--python {python!r} is not a Python version like 3.11 or 3.12")
    chosen = parse(components, "component") + parse(services, "service")
    return InitPlan(name, target, with_requirements(chosen), python)


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
    """Render, add the chosen components, install, commit; on any failure remove what we
    created and say so below the cause."""
    from aegis_cli.index import resolve_index
    from aegis_cli.interrupts import interrupts_noted, raise_if_interrupted

    index = resolve_index()
    created = _first_missing(plan.target)
    try:
        with interrupts_noted():
            with progress(f"Rendering the project into {plan.target}…"):
                _render(plan, index.url, index.format)
                raise_if_interrupted()  # copier's subprocess wrapper can swallow a Ctrl-C
            if plan.selected:
                from aegis_cli.lifecycle.engine import add_to_fresh_project

                add_to_fresh_project(plan.target, plan.selected)
            _install(plan.target)
            raise_if_interrupted()
            _git_init(plan.target)
            raise_if_interrupted()
    except BaseException as exc:
        remove_created(plan.target, created)
        explained = _explained(exc, "nothing was created" if created else "the folder is empty")
        if explained is exc:
            raise
        raise explained from None
    console.print(
        f"\n[bold green]Created {plan.name}.[/] Next:\n"
        f"  cd {plan.target}\n  make serve        # http://127.0.0.1:8000/health and /dashboard\n"
        f"  uv run {plan.name} --help"
    )


def _first_missing(target: Path) -> Path | None:
    """The outermost folder init will create (removed again on failure), or None when the
    target folder exists already (emptied again on failure)."""
    if target.exists():
        return None
    while not target.parent.exists():
        target = target.parent
    return target


def _explained(exc: BaseException, undone: str) -> BaseException:
    """The failure as the user should read it: the cause, then what is left (`undone`)."""
    sentence = undone[0].upper() + undone[1:] + "."
    if isinstance(exc, KeyboardInterrupt | Interrupted):
        return Interrupted(undone)
    if isinstance(exc, AegisError):
        exc.after = sentence
        return exc
    if isinstance(exc, OSError):
        reason = exc.strerror or str(exc)
        where = f" ({exc.filename})" if exc.filename else ""
        return AegisError(f"could not write the project: {reason}{where}", after=sentence)
    from copier.errors import CopierError

    if isinstance(exc, CopierError):
        return AegisError(f"could not render the project: {exc}", after=sentence)
    return exc


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


def _install(root: Path) -> None:
    """Lock from uv's cache where it can answer, then install exactly that lock."""
    from aegis_cli.lifecycle.deps import uv_lock, uv_sync
    from aegis_cli.lifecycle.project import open_project

    if not (root / "uv.lock").exists():  # components added above have locked already
        uv_lock(open_project(root))
    with progress("Installing dependencies (uv sync)…"):
        uv_sync(root, frozen=True, quiet_progress=True)
