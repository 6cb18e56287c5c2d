"""`aegis add` / `aegis remove` on a generated project, with the real templates, uv and compose.

For each real component: add writes exactly its stubs (recorded with their hashes), one compose
include, one .env.example block, the dependency with its pin; adding again is a no-op; remove
takes back exactly that and keeps the one file the user edited.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.lifecycle_support import (
    commit,
    components,
    compose_valid,
    dependency_names,
    locked,
    manifest,
    ok,
    pyproject,
    venv_in_sync,
)
from tests.support import tree_digest, venv_bin


@pytest.mark.parametrize("name", components())
def test_add_writes_what_it_records_and_remove_takes_back_exactly_that(
    project: Path, name: str
) -> None:
    before = tree_digest(project)
    lock_before = locked(project)
    output = ok("add", name, cwd=project).stdout
    record = manifest(project)["components"][name]
    _assert_added(project, name, record, output)
    commit(project, f"add {name}")

    unchanged = tree_digest(project)
    assert "already installed; nothing to do" in ok("add", name, cwd=project).stdout
    assert tree_digest(project) == unchanged, "adding what is there changes nothing"

    edited = next(f for f in record["files"] if f.endswith(".py"))
    (project / edited).write_text((project / edited).read_text() + "# my change\n")
    commit(project, "my edit")
    output = ok("remove", name, cwd=project).stdout
    assert "Kept because you changed it" in output and edited in output

    after = tree_digest(project)
    assert after.pop(edited, None), "the edited file is still there"
    changed = {path for path in set(before) | set(after) if before.get(path) != after.get(path)}
    assert changed <= {"pyproject.toml", "uv.lock"}, changed
    assert f"aegis-{name}" not in dependency_names(project)
    assert locked(project) == lock_before, "the same packages at the same versions as before"
    assert venv_in_sync(project)
    assert compose_valid(project).returncode == 0


def _assert_added(project: Path, name: str, record: dict, output: str) -> None:
    from aegis_cli.lifecycle.manifest import sha256

    assert record["package"] == f"aegis-{name}"
    for relative, digest in record["files"].items():
        assert sha256((project / relative).read_bytes()) == digest, relative
        assert relative in output
    assert f"make/{name}.mk" in record["files"], "every component ships a Make fragment"
    assert f"aegis-{name}" in dependency_names(project)
    assert pyproject(project)["tool"]["uv"]["sources"][f"aegis-{name}"] == {"index": "aegis"}
    assert f"aegis-{name}" in locked(project)
    assert venv_in_sync(project)
    compose = (project / "docker-compose.yml").read_text()
    for entry in record["compose"]:
        assert f"  - {entry}\n" in compose
    check = compose_valid(project)
    assert check.returncode == 0, check.output
    if ".env.example" in record["env_blocks"]:
        assert f"# >>> aegis:{name}\n" in (project / ".env.example").read_text()
    python_files = [f for f in record["files"] if f.endswith(".py")]
    formatted = subprocess.run(
        [venv_bin(project, "ruff"), "format", "--no-cache", "--check", *python_files],
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert formatted.returncode == 0, formatted.stdout


def test_dry_runs_list_the_plan_and_change_nothing(project: Path) -> None:
    name = components()[0]
    before = tree_digest(project)
    output = ok("add", name, "--dry-run", cwd=project).stdout
    assert "Would add" in output and f"uv add aegis-{name}" in output
    assert "Dry run: nothing was changed." in output
    assert tree_digest(project) == before
    ok("add", name, cwd=project)
    commit(project)
    before = tree_digest(project)
    output = ok("remove", name, "--dry-run", cwd=project).stdout
    assert "Would remove" in output and f"make/{name}.mk" in output
    assert tree_digest(project) == before


def test_removing_what_is_not_there_changes_nothing(project: Path) -> None:
    before = tree_digest(project)
    output = ok("remove", components()[0], cwd=project).stdout
    assert "is not installed; nothing to remove" in output
    assert tree_digest(project) == before
