"""Refusals and requirements: clear one-line errors, right exit codes, nothing changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.lifecycle_support import (
    commit,
    dependency_names,
    fails,
    manifest,
    ok,
)
from tests.support import tree_digest


def test_outside_a_project_is_bad_input(tmp_path: Path) -> None:
    for command in ("add", "remove"):
        result = fails(2, command, "database", "--project-path", str(tmp_path), cwd=tmp_path)
        assert "is not an Aegis project" in result.stderr
    assert "is not an Aegis project" in fails(2, "status", cwd=tmp_path).stderr
    (tmp_path / ".copier-answers.yml").write_text("_src_path: somewhere\n")
    assert "has no project_slug" in fails(2, "status", cwd=tmp_path).stderr


@pytest.mark.parametrize(
    ("names", "message"),
    [
        ("nosuch", "unknown component 'nosuch'"),
        ("scheduler[nope]", "has no option 'nope'"),
        ("auth", "unknown component 'auth'"),
        ("Bad Name!", "is not a component name"),
    ],
)
def test_bad_names_are_bad_input(project: Path, names: str, message: str) -> None:
    before = tree_digest(project)
    assert message in fails(2, "add", names, cwd=project).stderr
    assert tree_digest(project) == before


def test_damaged_answers_and_manifest_are_clear_errors(project: Path) -> None:
    answers = project / ".copier-answers.yml"
    answers.write_text("project_slug: [unclosed\n")
    commit(project)
    result = fails(1, "add", "database", cwd=project)
    assert ".copier-answers.yml is damaged" in result.stderr
    assert "git checkout" in result.stderr
    (project / ".aegis").mkdir()
    (project / ".aegis" / "manifest.json").write_text('{"format": 1, "components": {"x": 1}}')
    answers.write_text("project_slug: mvp-api\n")
    commit(project)
    for args in (("add", "database"), ("remove", "database"), ("status",)):
        assert "manifest.json is damaged" in fails(1, *args, cwd=project).stderr


def test_a_dirty_tree_is_refused_unless_forced(project: Path) -> None:
    (project / "app" / "services" / "wip.py").write_text("x = 1\n")
    before = tree_digest(project)
    result = fails(1, "add", "database", cwd=project)
    assert "uncommitted changes (app/services/wip.py)" in result.stderr
    assert "--force" in result.stderr
    assert tree_digest(project) == before
    ok("add", "database", "--force", cwd=project)
    assert (project / "app" / "services" / "wip.py").read_text() == "x = 1\n"


def test_an_option_brings_its_requirement_and_protects_it(project: Path) -> None:
    output = ok("add", "scheduler[sqlite]", cwd=project).stdout
    assert "database (required by scheduler)" in output
    recorded = manifest(project)["components"]
    assert recorded["scheduler"]["options"] == ["sqlite"]
    assert {"aegis-scheduler", "aegis-database"} <= dependency_names(project)
    commit(project)

    before = tree_digest(project)
    result = fails(2, "remove", "database", cwd=project)
    assert "cannot remove database: scheduler needs it (option sqlite)" in result.stderr
    assert "aegis remove scheduler" in result.stderr
    assert tree_digest(project) == before
    assert "database is already installed" in ok("add", "database", cwd=project).stdout
    assert tree_digest(project) == before, "one database per project: adding it again is a no-op"

    ok("remove", "scheduler,database", cwd=project)
    assert manifest(project)["components"] == {}
    assert not {"aegis-scheduler", "aegis-database"} & dependency_names(project)


def test_an_option_can_be_added_to_an_installed_component(project: Path) -> None:
    ok("add", "scheduler", cwd=project)
    commit(project)
    output = ok("add", "scheduler[sqlite]", cwd=project).stdout
    assert "database (required by scheduler)" in output
    assert manifest(project)["components"]["scheduler"]["options"] == ["sqlite"]


def test_services_and_upgrades_check_their_names(project: Path) -> None:
    before = tree_digest(project)
    assert "unknown service 'scheduler'" in fails(2, "add-service", "scheduler", cwd=project).stderr
    assert (
        "unknown service 'database'" in fails(2, "remove-service", "database", cwd=project).stderr
    )
    assert (
        "unknown component or service 'nosuch'" in fails(2, "upgrade", "nosuch", cwd=project).stderr
    )
    result = fails(2, "upgrade", "database", cwd=project)
    assert "database is not installed" in result.stderr and "aegis add database" in result.stderr
    result = fails(2, "upgrade", "auth", cwd=project)
    assert "aegis add auth" not in result.stderr, "auth is a service"
    assert "auth is not installed" in result.stderr and "aegis add-service auth" in result.stderr
    result = fails(2, "add", "auth", cwd=project)
    assert "auth is a service" in result.stderr and "aegis services" in result.stderr
    assert tree_digest(project) == before
