"""`aegis update`: copier's 3-way merge of a newer project template into a generated project.

Version A is the real templates/project (what the cached project was generated from); version B
is a copy changing the `test` target of the Makefile and adding a file. Both are built in a temp
folder and offered through AEGIS_TEMPLATE_VERSIONS; the real template is never bumped.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from aegis_cli.paths import template_version

from tests.lifecycle_support import commit, fails, ok
from tests.support import REPO, tree_digest

OLD_TEST_TARGET = "test: ## Run the tests\n\tuv run pytest\n"
NEW_TEST_TARGET = "test: ## Run the tests (quietly)\n\tuv run pytest -q\n"


@pytest.fixture
def versions(tmp_path: Path) -> dict[str, str]:
    """Template versions A (the real one) and B in a folder; the env that offers them."""
    folder = tmp_path / "template-versions"
    old = template_version("project")
    major, minor, _ = old.split(".")
    new = f"{major}.{int(minor) + 1}.0"
    shutil.copytree(REPO / "templates" / "project", folder / old)
    changed = shutil.copytree(REPO / "templates" / "project", folder / new)
    (changed / "VERSION").write_text(new + "\n")
    makefile = changed / "files" / "Makefile.jinja"
    assert OLD_TEST_TARGET in makefile.read_text()
    makefile.write_text(makefile.read_text().replace(OLD_TEST_TARGET, NEW_TEST_TARGET))
    (changed / "files" / ".editorconfig").write_text("root = true\n")
    return {"AEGIS_TEMPLATE_VERSIONS": str(folder), "old": old, "new": new}


def _env(versions: dict[str, str]) -> dict[str, str]:
    return {"AEGIS_TEMPLATE_VERSIONS": versions["AEGIS_TEMPLATE_VERSIONS"]}


def test_user_edit_and_template_change_both_survive(
    project: Path, versions: dict[str, str]
) -> None:
    makefile = project / "Makefile"
    mine = "help: ## List the targets (and mine)"
    makefile.write_text(makefile.read_text().replace("help: ## List the targets", mine))
    commit(project, "my help line")
    before = tree_digest(project)

    dry = ok("update", "--dry-run", cwd=project, env=_env(versions)).stdout
    assert f"{versions['old']} → {versions['new']}" in dry
    assert "Makefile" in dry and ".editorconfig" in dry and "Conflicts" not in dry
    assert tree_digest(project) == before, "a dry run changes nothing"

    output = ok("update", cwd=project, env=_env(versions)).stdout
    assert "Merged:" in output and "Conflicts" not in output
    text = makefile.read_text()
    assert mine in text, "the user's edit survives"
    assert NEW_TEST_TARGET in text, "the template's change arrives"
    assert (project / ".editorconfig").read_text() == "root = true\n", "the new file arrives"
    answers = (project / ".copier-answers.yml").read_text()
    assert f"template_version: {versions['new']}" in answers
    assert "_src_path: " in answers and "aegis-template" not in answers, "no scratch path kept"
    commit(project, "update")
    assert "nothing to update" in ok("update", cwd=project, env=_env(versions)).stdout


def test_a_conflicting_edit_is_reported_and_left_for_the_user(
    project: Path, versions: dict[str, str]
) -> None:
    makefile = project / "Makefile"
    makefile.write_text(makefile.read_text().replace("\tuv run pytest\n", "\tuv run pytest -x\n"))
    commit(project, "my pytest flags")
    output = ok("update", cwd=project, env=_env(versions)).stdout
    assert "Conflicts" in output and "  - Makefile" in output
    text = makefile.read_text()
    assert "<<<<<<< before updating" in text and "uv run pytest -x" in text
    assert "uv run pytest -q" in text and ">>>>>>> after updating" in text
    assert (project / ".editorconfig").is_file(), "the rest of the update still arrives"


def test_update_needs_a_clean_tree_and_a_known_version(
    project: Path, versions: dict[str, str]
) -> None:
    (project / "notes.txt").write_text("wip\n")
    before = tree_digest(project)
    assert "uncommitted changes" in fails(1, "update", cwd=project, env=_env(versions)).stderr
    assert tree_digest(project) == before
    (project / "notes.txt").unlink()
    result = fails(2, "update", "--to-version", "9.9.9", cwd=project, env=_env(versions))
    assert "template version 9.9.9 is not available" in result.stderr
