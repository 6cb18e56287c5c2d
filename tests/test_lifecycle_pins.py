"""What uv does with the pins to the Aegis index, on which `aegis add` / `remove` rely
(documented in aegis_cli/lifecycle/deps.py). Plain uv, no aegis command: if uv changes its
behaviour, this test says so before the lifecycle tests fail in a confusing way."""

from __future__ import annotations

import tomllib
from pathlib import Path

from tests.lifecycle_support import components, git, pyproject
from tests.support import run


def _uv(project: Path, *args: str) -> None:
    result = run(["uv", *args], cwd=project)
    assert result.returncode == 0, result.output


def _source(project: Path, package: str) -> dict | None:
    return pyproject(project)["tool"]["uv"]["sources"].get(package)


def _locked_source(project: Path, package: str) -> dict:
    lock = tomllib.loads((project / "uv.lock").read_text())
    return next(p["source"] for p in lock["package"] if p["name"] == package)


def test_uv_keeps_adds_drops_and_restores_the_pin(project: Path) -> None:
    package = f"aegis-{components()[0]}"
    index = pyproject(project)["tool"]["uv"]["index"][0]["url"]
    assert _source(project, package) == {"index": "aegis"}, "a new project pins every aegis-* name"

    _uv(project, "add", "--no-sync", package)
    diff = git(project, "diff", "--unified=0", "pyproject.toml")
    changed = [line for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in "+++---"]
    assert changed == [f'+    "{package}>=0.1.0",'], "plain uv add: one dependency line, pin kept"

    _uv(project, "remove", "--no-sync", package)
    assert _source(project, package) is None, "uv remove drops the pin"

    _uv(project, "add", "--no-sync", package)
    assert _source(project, package) is None, "a plain uv add does not bring it back…"
    assert _locked_source(project, package) == {"registry": index}, "…first-index still serves it"

    _uv(project, "add", "--no-sync", "--index", "aegis", package)
    assert _source(project, package) == {"index": "aegis"}, "--index aegis writes the pin back"
    assert _locked_source(project, package) == {"registry": index}
