"""`aegis status`: versions from the lock, and drift between dependencies and stubs, each with a
fix that works: a plain `uv add` / `uv remove` behind the CLI's back, an edited stub."""

from __future__ import annotations

import json
from pathlib import Path

from tests.lifecycle_support import commit, components, locked, manifest, ok, pyproject
from tests.support import run, tree_digest


def _status(project: Path) -> dict:
    return json.loads(ok("status", "--json", cwd=project).stdout)


def _drift(project: Path) -> set[tuple[str, str]]:
    return {(d["name"], d["kind"]) for d in _status(project)["drift"]}


def _uv(project: Path, *args: str) -> None:
    result = run(["uv", *args], cwd=project)
    assert result.returncode == 0, result.output


def test_a_new_project_is_clean(project: Path) -> None:
    status = _status(project)
    assert status == {
        "project": "mvp-api",
        "template_version": status["template_version"],
        "installed": [],
        "drift": [],
        "clean": True,
    }
    assert "No drift" in ok("status", cwd=project).stdout


def test_a_plain_uv_add_is_drift_and_aegis_add_adds_only_the_stubs(project: Path) -> None:
    name = components()[-1]
    _uv(project, "add", f"aegis-{name}")
    commit(project)
    assert _drift(project) == {(name, "package-without-stubs")}
    lock = (project / "uv.lock").read_bytes()
    pyproject_before = (project / "pyproject.toml").read_bytes()
    output = ok("add", name, cwd=project).stdout
    assert "uv add" not in output, "the package is there: only the stubs are added"
    assert (project / "uv.lock").read_bytes() == lock
    assert (project / "pyproject.toml").read_bytes() == pyproject_before
    status = _status(project)
    assert status["clean"], status["drift"]
    [item] = status["installed"]
    assert item["version"] == locked(project)[f"aegis-{name}"]
    assert set(item["stubs"].values()) == {"unchanged"}


def test_a_plain_uv_remove_is_drift_and_aegis_add_restores_package_and_pin(project: Path) -> None:
    name = components()[0]
    ok("add", name, cwd=project)
    _uv(project, "remove", f"aegis-{name}")
    commit(project)
    assert f"aegis-{name}" not in pyproject(project)["tool"]["uv"]["sources"], "uv dropped the pin"
    assert _drift(project) == {(name, "stubs-without-package")}
    output = ok("add", name, cwd=project).stdout
    assert f"uv add --index aegis aegis-{name}" in output
    assert pyproject(project)["tool"]["uv"]["sources"][f"aegis-{name}"] == {"index": "aegis"}
    assert _status(project)["clean"]


def test_edited_and_deleted_stubs_are_reported_and_not_touched(project: Path) -> None:
    name = components()[0]
    ok("add", name, cwd=project)
    files = sorted(manifest(project)["components"][name]["files"])
    (project / files[0]).write_text("# mine\n")
    (project / files[1]).unlink()
    before = tree_digest(project)
    assert _drift(project) == {(name, "edited-stub"), (name, "missing-stub")}
    [item] = _status(project)["installed"]
    assert item["stubs"][files[0]] == "edited"
    assert item["stubs"][files[1]] == "missing"
    human = ok("status", cwd=project).stdout
    assert f"{files[0]} was changed by you" in human
    assert tree_digest(project) == before, "status changes nothing"
