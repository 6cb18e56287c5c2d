"""A deleted or damaged manifest: the commands refuse (one line, nothing changed) and name
`aegis status --repair`, which rebuilds it from the stub templates and the files' hashes."""

from __future__ import annotations

import json
from pathlib import Path

from tests.lifecycle_support import commit, fails, git, manifest, ok
from tests.support import tree_digest

MANIFEST = ".aegis/manifest.json"


def test_a_deleted_manifest_is_refused_then_repaired(project: Path) -> None:
    ok("add", "scheduler", cwd=project)
    commit(project)
    recorded = manifest(project)["components"]["scheduler"]
    edited = "app/components/scheduler.py"
    assert edited in recorded["files"]
    (project / edited).write_text((project / edited).read_text() + "# my change\n")
    (project / MANIFEST).unlink()
    commit(project, "manifest lost, stub edited")
    before = tree_digest(project)

    for command in (("remove", "scheduler"), ("add", "scheduler")):
        result = fails(1, *command, cwd=project)
        assert result.stderr.startswith("Error: the stubs of scheduler are in the project but")
        assert ".aegis/manifest.json is missing" in result.stderr
        assert "aegis status --repair" in result.stderr
        assert tree_digest(project) == before
    status = json.loads(ok("status", "--json", cwd=project).stdout)
    assert {(d["name"], d["kind"], d["fix"]) for d in status["drift"]} == {
        ("scheduler", "unrecorded-stubs", "aegis status --repair")
    }

    output = ok("status", "--repair", cwd=project).stdout
    assert f"{edited} (recorded as yours: remove keeps it)" in output
    rebuilt = manifest(project)["components"]["scheduler"]
    assert rebuilt["files"] == recorded["files"], "the template's hashes, edited file included"
    assert rebuilt["compose"] == recorded["compose"]
    assert rebuilt["env_blocks"] == recorded["env_blocks"]
    state = json.loads(ok("status", "--json", cwd=project).stdout)
    assert {(d["name"], d["kind"]) for d in state["drift"]} == {("scheduler", "edited-stub")}
    commit(project, "repaired")

    output = ok("remove", "scheduler", cwd=project).stdout
    assert f"  - {edited}" in output.split("Kept")[1], output
    assert "# my change" in (project / edited).read_text()
    for relative in set(recorded["files"]) - {edited}:
        assert not (project / relative).exists(), relative
    assert "compose/scheduler.yml" not in (project / "docker-compose.yml").read_text()
    assert "aegis:scheduler" not in (project / ".env.example").read_text()
    assert not (project / MANIFEST).exists()


def test_a_damaged_manifest_is_rebuilt_from_scratch(project: Path) -> None:
    ok("add", "worker", cwd=project)
    commit(project)
    recorded = manifest(project)["components"]
    (project / MANIFEST).write_text("{not json")
    commit(project, "damaged")
    result = fails(1, "remove", "worker", cwd=project)
    assert "manifest.json is damaged" in result.stderr and "aegis status --repair" in result.stderr
    ok("status", "--repair", cwd=project)
    assert manifest(project)["components"] == recorded
    assert "nothing to repair" in ok("status", "--repair", cwd=project).stdout


def test_repair_of_a_project_without_aegis_stubs_changes_nothing(project: Path) -> None:
    before = tree_digest(project)
    assert "nothing to repair" in ok("status", "--repair", cwd=project).stdout
    assert tree_digest(project) == before
    assert git(project, "status", "--porcelain") == ""


def test_repair_finds_the_options_a_component_was_added_with(project: Path) -> None:
    ok("add", "database[postgres]", cwd=project)
    commit(project)
    recorded = manifest(project)["components"]["database"]
    assert recorded["options"] == ["postgres"]
    (project / MANIFEST).unlink()
    commit(project, "manifest lost")

    ok("status", "--repair", cwd=project)
    rebuilt = manifest(project)["components"]["database"]
    assert rebuilt["options"] == ["postgres"]
    assert rebuilt["files"] == recorded["files"] and rebuilt["env_blocks"] == recorded["env_blocks"]
    commit(project, "repaired")

    ok("remove", "database", cwd=project)  # the option's own files go too
    assert not (project / "compose" / "database.yml").exists()
    assert not (project / "compose" / "stack.env").exists()
    assert "compose/database.yml" not in (project / "docker-compose.yml").read_text()
