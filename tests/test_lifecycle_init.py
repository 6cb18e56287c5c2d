"""`aegis init --components …` adds components through the same engine as `aegis add`: the
result is the same files, manifest and packages as init followed by add."""

from __future__ import annotations

from pathlib import Path

from tests.lifecycle_support import git, locked, manifest, ok, pyproject
from tests.support import aegis, tree_digest


def test_init_with_components_equals_init_then_add(project: Path, tmp_path: Path) -> None:
    ok("add", "scheduler[sqlite]", cwd=project)
    elsewhere = tmp_path / "fresh"
    elsewhere.mkdir()
    same_index = {"AEGIS_INDEX": pyproject(project)["tool"]["uv"]["index"][0]["url"]}
    command = ("init", "mvp-api", "--no-interactive", "-c", "scheduler[sqlite]")
    result = aegis(*command, cwd=elsewhere, env=same_index)
    assert result.returncode == 0, result.output
    fresh = elsewhere / "mvp-api"
    assert "Added database (required by scheduler), scheduler[sqlite]" in result.stdout

    added, initialised = tree_digest(project), tree_digest(fresh)
    assert added.pop("uv.lock") and initialised.pop("uv.lock")
    assert added == initialised, "the same files, byte for byte (uv.lock compared by versions)"
    assert locked(project) == locked(fresh)
    assert manifest(fresh)["components"].keys() == {"database", "scheduler"}
    assert git(fresh, "status", "--porcelain") == "", "init committed the components too"
