"""A real published history: aegis-worker 0.1.0, 0.1.1 and 0.2.0 (which changes its stubs)
released one by one with `dev.py release` to an index served over HTTP, and a project made at
0.1.0 upgraded to 0.2.0 with `aegis upgrade worker`. Only aegis-worker moves; stubs the user
never touched follow the new version; an edited stub stays and gets `.aegis-new` beside it.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.index_support import clone_repository, locked_aegis, release, serve_folder
from tests.support import aegis, run, serve_project, tree_digest, venv_bin

UNTOUCHED_STUB = "tests/components/test_worker.py"
EDITED_STUB = "app/components/worker/queues/system.py"
STUB_CHANGE = "# Changed in aegis-worker 0.2.0.\n"


@pytest.fixture
def history(index_dir: Path, tmp_path: Path) -> Iterator[tuple[Path, Path, str]]:
    """(repository clone, index folder, index URL): the index starts with the 0.1.0 wheels."""
    index = tmp_path / "index"
    shutil.copytree(index_dir, index)
    clone = clone_repository(tmp_path / "aegis")
    with serve_folder(index) as url:
        yield clone, index, f"{url}/simple/"


def commit_notes(clone: Path, line: str, package: str = "aegis-worker") -> None:
    changelog = clone / "packages" / package / "CHANGELOG.md"
    changelog.write_text(
        changelog.read_text().replace("## Unreleased\n", f"## Unreleased\n\n{line}\n", 1)
    )
    run(["git", "add", "-A"], cwd=clone)
    run(["git", "commit", "-q", "-m", line], cwd=clone)


def test_a_project_upgrades_one_component_through_its_published_history(
    history: tuple[Path, Path, str], tmp_path: Path
) -> None:
    clone, index, url = history
    env = {"AEGIS_INDEX": url}
    made = aegis("init", "mvp-api", "--no-interactive", "-c", "worker", cwd=tmp_path, env=env)
    assert made.returncode == 0, made.output
    project = tmp_path / "mvp-api"
    before = locked_aegis(project)
    assert before["aegis-worker"] == "0.1.0"

    commit_notes(clone, "- Fixed: nothing at all, a patch release.")
    patch = release(clone, "aegis-worker", "--bump", "patch", "--to", str(index))
    assert patch.returncode == 0, patch.stdout + patch.stderr
    stub = clone / "templates/worker/files" / UNTOUCHED_STUB
    stub.write_text(STUB_CHANGE + stub.read_text())
    edited_template = clone / "templates/worker/files" / EDITED_STUB
    edited_template.write_text(STUB_CHANGE + edited_template.read_text())
    commit_notes(clone, "- Changed: the stubs say which version wrote them.")
    minor = release(clone, "aegis-worker", "0.2.0", "--to", str(index))
    assert minor.returncode == 0, minor.stdout + minor.stderr

    user_code = "\n\nasync def my_own_task(ctx: dict) -> str:\n    return 'mine'\n"
    (project / EDITED_STUB).write_text((project / EDITED_STUB).read_text() + user_code)
    run(["git", "commit", "-q", "-am", "my task"], cwd=project)

    upgraded = aegis("upgrade", "worker", cwd=project, env=env)

    assert upgraded.returncode == 0, upgraded.output
    after = locked_aegis(project)
    assert after["aegis-worker"] == "0.2.0"
    assert {k: v for k, v in after.items() if k != "aegis-worker"} == {
        k: v for k, v in before.items() if k != "aegis-worker"
    }, "only aegis-worker moves"
    assert (project / UNTOUCHED_STUB).read_text().startswith(STUB_CHANGE)
    assert (project / EDITED_STUB).read_text().endswith(user_code), "user code is never lost"
    assert (project / f"{EDITED_STUB}.aegis-new").read_text().startswith(STUB_CHANGE)
    assert f"{EDITED_STUB}.aegis-new" in upgraded.output

    tests = run([venv_bin(project, "pytest"), "-q", "-p", "no:cacheprovider"], cwd=project)
    assert tests.returncode == 0, tests.output
    with serve_project(project, "mvp-api") as base:
        health = httpx.get(f"{base}/health/detailed", timeout=30).json()
    assert health["components"]["backend"]["status"] == "healthy"
    run(["git", "add", "-A"], cwd=project)
    run(["git", "commit", "-qm", "worker 0.2.0"], cwd=project)

    needs_newer_core(clone, index)
    before = tree_digest(project)
    held = aegis("upgrade", "worker", cwd=project, env=env)
    assert held.returncode == 0, held.output
    assert "aegis-worker stays at 0.2.0" in held.output
    assert "aegis-worker 0.3.0 is on the index but needs other aegis-* packages" in held.output
    assert "aegis-core<0.2,>=0.1.1" in held.output
    assert "aegis upgrade worker --with-core" in held.output
    refused = aegis("upgrade", "worker", "--to", "0.3.0", cwd=project, env=env)
    assert refused.returncode == 1, refused.output
    assert "aegis-worker 0.3.0 requires aegis-core<0.2,>=0.1.1" in refused.output
    assert "the project locks aegis-core 0.1.0" in refused.output
    assert "aegis upgrade worker --to 0.3.0 --with-core" in refused.output
    assert tree_digest(project) == before, "core moves only when asked"

    both = aegis("upgrade", "worker", "--with-core", cwd=project, env=env)
    assert both.returncode == 0, both.output
    moved = locked_aegis(project)
    assert (moved["aegis-worker"], moved["aegis-core"]) == ("0.3.0", "0.1.1")
    assert "also moved: aegis-core 0.1.0 → 0.1.1" in both.output


def needs_newer_core(clone: Path, index: Path) -> None:
    """Release aegis-core 0.1.1, then aegis-worker 0.3.0 which requires it (written once, in
    its pyproject: the component reads its supported range from there)."""
    commit_notes(clone, "- Fixed: a core patch.", package="aegis-core")
    core = release(clone, "aegis-core", "0.1.1", "--to", str(index))
    assert core.returncode == 0, core.stdout + core.stderr
    for relative, old, new in (
        (
            "packages/aegis-worker/pyproject.toml",
            '"aegis-core>=0.1,<0.2"',
            '"aegis-core>=0.1.1,<0.2"',
        ),
    ):
        path = clone / relative
        assert old in path.read_text()
        path.write_text(path.read_text().replace(old, new))
    run(["uv", "lock", "--quiet"], cwd=clone)
    commit_notes(clone, "- Changed: needs aegis-core 0.1.1.")
    worker = release(clone, "aegis-worker", "0.3.0", "--to", str(index))
    assert worker.returncode == 0, worker.stdout + worker.stderr


def test_update_merges_a_newer_project_template_published_in_a_newer_aegis_cli(
    history: tuple[Path, Path, str], tmp_path: Path
) -> None:
    clone, index, url = history
    env = {"AEGIS_INDEX": url}
    made = aegis("init", "mvp-api", "--no-interactive", cwd=tmp_path, env=env)
    assert made.returncode == 0, made.output
    project = tmp_path / "mvp-api"

    templates = clone / "templates"
    shutil.copytree(templates / "project", templates / "project-history" / "0.1.0")
    readme = templates / "project" / "files" / "README.md.jinja"
    readme.write_text(readme.read_text() + "\nNew in template 0.2.0.\n")
    (templates / "project" / "VERSION").write_text("0.2.0\n")
    commit_notes(clone, "- Changed: the project README grew a line.", package="aegis-cli")
    released = release(clone, "aegis-cli", "0.2.0", "--to", str(index))
    assert released.returncode == 0, released.stdout + released.stderr

    # this aegis (the workspace's) only knows template 0.1.0: 0.2.0 comes from the index
    dry = aegis("update", "--dry-run", cwd=project, env=env)
    assert dry.returncode == 0, dry.output
    assert "0.1.0 → 0.2.0" in dry.output and "README.md" in dry.output
    assert "New in template 0.2.0." not in (project / "README.md").read_text()

    missing = aegis("update", "--to-version", "0.3.0", cwd=project, env=env)
    assert missing.returncode == 2
    assert "template version 0.3.0 is not available; available: 0.1.0, 0.2.0" in missing.output

    done = aegis("update", cwd=project, env=env)
    assert done.returncode == 0, done.output
    assert "New in template 0.2.0." in (project / "README.md").read_text()


def test_update_with_the_index_out_of_reach_says_so_in_one_line(
    project: Path, tmp_path: Path
) -> None:
    from aegis_core.testing import free_port

    pyproject = project / "pyproject.toml"
    text = pyproject.read_text()
    start = text.index('url = "', text.index('name = "aegis"')) + len('url = "')
    end = text.index('"', start)
    dead = f"http://127.0.0.1:{free_port()}/simple/"
    pyproject.write_text(text[:start] + dead + text[end:].replace('format = "flat"\n', "", 1))
    run(["git", "commit", "-qam", "index moved"], cwd=project)

    dry = aegis("update", "--dry-run", cwd=project)

    assert dry.returncode == 0, dry.output
    notes = [line for line in dry.output.splitlines() if "cannot read the Aegis index" in line]
    assert len(notes) == 1, dry.output
    assert "only this aegis-cli's template versions are known" in notes[0]
    assert "nothing to update" in dry.output


def test_a_release_newer_than_uv_cache_is_what_init_and_add_lock(
    history: tuple[Path, Path, str], tmp_path: Path
) -> None:
    """aegis resolves from uv's cache first; a cached index page that predates a release must
    not make a new project or an `aegis add` take the older version."""
    clone, index, url = history
    env = {"AEGIS_INDEX": url}
    first = aegis("init", "first", "--no-interactive", "-c", "worker", cwd=tmp_path, env=env)
    assert first.returncode == 0, first.output
    assert locked_aegis(tmp_path / "first")["aegis-worker"] == "0.1.0"  # uv has cached the page

    commit_notes(clone, "- Fixed: nothing at all, a patch release.")
    patch = release(clone, "aegis-worker", "--bump", "patch", "--to", str(index))
    assert patch.returncode == 0, patch.stdout + patch.stderr

    made = aegis("init", "second", "--no-interactive", "-c", "worker", cwd=tmp_path, env=env)
    assert made.returncode == 0, made.output
    assert locked_aegis(tmp_path / "second")["aegis-worker"] == "0.1.1"

    plain = aegis("init", "third", "--no-interactive", cwd=tmp_path, env=env)
    assert plain.returncode == 0, plain.output
    added = aegis("add", "worker", cwd=tmp_path / "third", env=env)
    assert added.returncode == 0, added.output
    assert locked_aegis(tmp_path / "third")["aegis-worker"] == "0.1.1"
