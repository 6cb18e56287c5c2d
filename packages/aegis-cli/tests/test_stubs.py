"""Rendering stubs with copier, from the fixture template (independent of the real ones)."""

from __future__ import annotations

from pathlib import Path

import pytest
from aegis_cli.errors import AegisError
from aegis_cli.lifecycle.project import open_project
from aegis_cli.lifecycle.stubs import STUB_TEMPLATES_ENV, removal_note, render

from .conftest import FIXTURES


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / ".copier-answers.yml").write_text("project_slug: shop-api\n")
    return tmp_path


def test_renders_with_the_slug_and_lists_compose_files(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(STUB_TEMPLATES_ENV, str(FIXTURES / "templates"))
    stubs = render("scheduler", open_project(project))
    assert sorted(stubs.files) == [
        "app/components/scheduler.py",
        "compose/scheduler.yml",
        "make/scheduler.mk",
        "tests/components/test_scheduler.py",
    ]
    assert b"image: shop-api:latest" in stubs.files["compose/scheduler.yml"]
    assert stubs.compose == ["compose/scheduler.yml"]
    fixture_lines = "# Scheduler (fixture) for shop-api\nSCHEDULER_TIMEZONE=UTC\n"
    assert stubs.env == {".env.example": fixture_lines}
    assert stubs.origin == f"{STUB_TEMPLATES_ENV} scheduler"
    assert list(project.iterdir()) == [project / ".copier-answers.yml"], "nothing written"


def test_a_template_may_not_claim_a_shared_file(
    project: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    templates = tmp_path_factory.mktemp("templates")
    bad = templates / "worker"
    (bad / "files").mkdir(parents=True)
    (bad / "copier.yml").write_text("_subdirectory: files\nproject_slug:\n  type: str\n")
    (bad / "files" / "pyproject.toml").write_text("[project]\n")
    monkeypatch.setenv(STUB_TEMPLATES_ENV, str(templates))
    with pytest.raises(AegisError, match=r"writes pyproject\.toml, which no component may own"):
        render("worker", open_project(project))


def test_the_chosen_options_reach_the_template_files_and_env_example(
    project: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`x[beta,alpha]`: the template gets `options` (sorted) and may ship a file for one."""
    template = tmp_path_factory.mktemp("templates") / "x"
    (template / "files" / "compose").mkdir(parents=True)
    (template / "copier.yml").write_text(
        "_subdirectory: files\n_templates_suffix: .jinja\nproject_slug:\n  type: str\n"
    )
    only_alpha = '{% if "alpha" in options %}x.yml{% endif %}.jinja'
    (template / "files" / "compose" / only_alpha).write_text("services: {}\n")
    (template / "env.example").write_text("X_OPTIONS={{ options | join(',') }}\n")
    monkeypatch.setenv(STUB_TEMPLATES_ENV, str(template.parent))
    chosen = render("x", open_project(project), ("beta", "alpha"))
    assert chosen.compose == ["compose/x.yml"]
    assert chosen.env == {".env.example": "X_OPTIONS=alpha,beta\n"}
    plain = render("x", open_project(project))
    assert plain.files == {} and plain.env == {".env.example": "X_OPTIONS=\n"}


def test_a_removal_note_is_read_as_one_line_and_is_optional(
    project: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What stays behind is the component's to say; aegis-cli only prints it."""
    templates = tmp_path_factory.mktemp("templates")
    for name in ("keeper", "plain"):
        (templates / name / "files").mkdir(parents=True)
        (templates / name / "copier.yml").write_text("_subdirectory: files\n")
    (templates / "keeper" / "removal-note.txt").write_text("The orders table\n  stays.\n")
    monkeypatch.setenv(STUB_TEMPLATES_ENV, str(templates))

    assert removal_note("keeper", open_project(project)) == "The orders table stays."
    assert removal_note("plain", open_project(project)) == ""
    assert removal_note("unknown-thing", open_project(project)) == ""
