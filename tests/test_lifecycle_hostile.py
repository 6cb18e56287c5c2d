"""Damaged or hostile project state: paths in the manifest that lead outside the project, and
answers that would run as shell. Every one is refused with one line before anything changes;
nothing outside the project is ever touched.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

import pytest
import yaml

from tests.lifecycle_support import commit, fails, manifest, ok
from tests.support import REPO, run, tree_digest

MANIFEST = ".aegis/manifest.json"
HOSTILE_SLUG = "x; echo INJECTED\n$(touch {marker})'\""


def _victim(tmp_path: Path) -> Path:
    """A file next to the project that a hostile manifest points at, with its exact hash."""
    victim = tmp_path / "elsewhere" / "notes.txt"
    victim.parent.mkdir()
    victim.write_text("my notes, not part of the project\n")
    return victim


def _point_manifest_at(project: Path, listed: str, victim: Path) -> None:
    data = manifest(project)
    digest = hashlib.sha256(victim.read_bytes()).hexdigest()
    data["components"]["scheduler"]["files"][listed] = digest  # "unchanged": would be deleted
    (project / MANIFEST).write_text(json.dumps(data, indent=2))
    commit(project, "hostile manifest")


@pytest.mark.parametrize("how", ["dotdot", "absolute", "symlink"])
def test_a_manifest_path_outside_the_project_is_refused(
    project: Path, tmp_path: Path, how: str
) -> None:
    victim = _victim(tmp_path)
    ok("add", "scheduler", cwd=project)
    commit(project)
    if how == "symlink":
        (project / "app" / "linked").symlink_to(victim.parent, target_is_directory=True)
    listed = {
        "dotdot": "../elsewhere/notes.txt",
        "absolute": str(victim),
        "symlink": "app/linked/notes.txt",
    }[how]
    _point_manifest_at(project, listed, victim)
    before = tree_digest(project)

    for command in (("remove", "scheduler"), ("status",), ("add", "worker")):
        result = fails(1, *command, cwd=project)
        assert "which leads outside the project" in result.stderr, result.output
        assert repr(listed) in result.stderr
        assert "aegis status --repair" in result.stderr
    assert victim.read_text() == "my notes, not part of the project\n"
    assert tree_digest(project) == before

    ok("status", "--repair", cwd=project)
    assert listed not in manifest(project)["components"]["scheduler"]["files"]
    commit(project, "repaired")
    ok("remove", "scheduler", cwd=project)
    assert victim.read_text() == "my notes, not part of the project\n"
    assert not (project / "app" / "components" / "scheduler.py").exists()


def test_a_manifest_folder_linked_outside_is_refused(project: Path, tmp_path: Path) -> None:
    """`.aegis` itself a symlink to a folder elsewhere: the manifest is not read, not written."""
    ok("add", "scheduler", cwd=project)
    commit(project)
    elsewhere = tmp_path / "elsewhere-state"
    (project / ".aegis").rename(elsewhere)
    (project / ".aegis").symlink_to(elsewhere, target_is_directory=True)
    commit(project, "linked state")
    outside = tree_digest(elsewhere)
    before = tree_digest(project)
    result = fails(1, "remove", "scheduler", cwd=project)
    assert "'.aegis/manifest.json', which leads outside the project" in result.stderr
    assert tree_digest(elsewhere) == outside
    assert tree_digest(project) == before


@pytest.mark.parametrize("field", ["files", "compose"])
def test_a_hostile_compose_or_file_entry_is_refused_even_when_unmatched(
    project: Path, field: str
) -> None:
    """A path that never existed is refused too: the rules are checked before any lookup."""
    ok("add", "scheduler", cwd=project)
    data = manifest(project)
    entry = data["components"]["scheduler"][field]
    listed = "../../../etc/hostname"
    if field == "files":
        entry[listed] = "0" * 64
    else:
        entry.append(listed)
    (project / MANIFEST).write_text(json.dumps(data))
    commit(project)
    before = tree_digest(project)
    result = fails(1, "remove", "scheduler", cwd=project)
    assert f"lists {listed!r}, which leads outside the project" in result.stderr
    assert tree_digest(project) == before


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("project_slug", "x; echo INJECTED\n", "project_slug is invalid: 'x; echo INJECTED\\n'"),
        ("python_version", "3.11\nINJECTED", "python_version '3.11\\nINJECTED' is not a Python"),
        ("project_description", 'x"\n[INJECTED]', "project_description 'x\"\\n[INJECTED]' must"),
    ],
)
def test_injected_answers_are_refused_on_read(
    project: Path, key: str, value: str, message: str
) -> None:
    """The answers are rendered into compose, Make, shell and TOML: what `aegis init` would
    refuse is refused when they are read back, before anything is rendered or written."""
    answers = project / ".copier-answers.yml"
    data = yaml.safe_load(answers.read_text())
    data[key] = value
    answers.write_text(yaml.safe_dump(data))
    commit(project, "hostile answers")
    before = tree_digest(project)
    for command in (("add", "worker"), ("remove", "worker"), ("status",), ("upgrade", "worker")):
        result = fails(1, *command, cwd=project)
        lines = result.stderr.strip().splitlines()
        assert lines[0].startswith(f"Error: .copier-answers.yml: {message}"), lines
        assert lines[1:] == ["restore it: git checkout -- .copier-answers.yml"], lines
    assert tree_digest(project) == before
    assert "INJECTED" not in (project / "docker-compose.yml").read_text()


def _render(template: str, destination: Path, slug: str) -> None:
    """Render one real template with copier, bypassing the CLI's validation on purpose."""
    script = (
        "import sys\nfrom copier import run_copy\n"
        "run_copy(sys.argv[1], sys.argv[2], data={'project_slug': sys.argv[3], "
        "'aegis_index_url': '/nowhere', 'template_version': '0.1.0'}, defaults=True, "
        "quiet=True, overwrite=True, unsafe=False)\n"
    )
    done = run(
        [sys.executable, "-c", script, str(REPO / "templates" / template), str(destination), slug],
        cwd=destination.parent,
    )
    assert done.returncode == 0, done.output


@pytest.mark.parametrize("template", ["project", "worker", "scheduler", "database"])
def test_templates_quote_the_name_for_yaml_and_make(tmp_path: Path, template: str) -> None:
    """Defence in depth: even a name that got past validation stays one YAML string and one
    shell word (run by real make, with `uv` being /bin/echo so the recipe only prints)."""
    marker = tmp_path / "PWNED"
    slug = HOSTILE_SLUG.format(marker=marker)
    out = tmp_path / "out"
    _render(template, out, slug)
    for compose in sorted((out / "compose").glob("*.yml")):
        named = [v for v in _strings(yaml.safe_load(compose.read_text())) if "INJECTED" in v]
        assert named, compose
        assert set(named) <= {slug, f"{slug}:latest"}, named
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    (fake_bin / "uv").symlink_to("/bin/echo")
    env = {"PATH": f"{fake_bin}{os.pathsep}{os.environ['PATH']}"}
    recipes = _recipes_naming_the_project(REPO / "templates" / template / "files")
    assert recipes, template
    for makefile, target in recipes:
        done = run(["make", "-s", "-f", makefile, target], cwd=out, env=env)
        assert done.returncode == 0, done.output
        assert "INJECTED\n" not in done.stdout, done.stdout
        assert f"run {slug.replace(chr(10), ' ')} " in done.stdout, done.stdout
    assert not marker.exists(), "the name ran as a shell command"


def _strings(value: object) -> list[str]:
    """Every string in a YAML document."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _recipes_naming_the_project(files: Path) -> list[tuple[str, str]]:
    """(makefile, target) for every recipe whose template line renders the project name."""
    found = []
    for source in [*files.glob("make/*.mk.jinja"), *files.glob("Makefile.jinja")]:
        target = ""
        for line in source.read_text().splitlines():
            if line and not line.startswith(("\t", "#", ".", " ", "{")) and ":" in line:
                target = line.split(":")[0]
            elif line.startswith("\t") and "project_slug" in line and target:
                found.append((source.relative_to(files).as_posix().removesuffix(".jinja"), target))
    return found
