"""`aegis upgrade scheduler`: two locally built versions of aegis-scheduler in a private flat
index; one package moves in the lock, the user's edited stub is never touched, unchanged stubs
follow the new version, and the app is healthy afterwards.

The new versions are built from a temporary copy of packages/aegis-scheduler (version bumped
there with `uv version`); the real package is never modified.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from aegis_core.testing import run_server

from tests.lifecycle_support import (
    commit,
    fails,
    locked,
    manifest,
    ok,
    private_index,
    venv_in_sync,
)
from tests.support import REPO, run, tree_digest, venv_bin

USER_JOB = '''

async def nightly_cleanup() -> None:
    """The user's own job."""
'''


def build_scheduler(
    workdir: Path, version: str, index: Path, stubs: Callable[[Path], None] | None = None
) -> None:
    """Build aegis-scheduler `version` into `index` from a copy; `stubs` edits the stub template
    that this version ships inside its wheel (aegis_scheduler/stubs/)."""
    source = workdir / f"aegis-scheduler-{version}"
    shutil.copytree(
        REPO / "packages" / "aegis-scheduler",
        source,
        ignore=shutil.ignore_patterns("__pycache__", "tests", ".venv"),
    )
    if stubs is not None:
        template = source / "src" / "aegis_scheduler" / "stubs"
        # the copy above skipped the template's tests/ folder: start again from templates/
        if template.is_symlink():
            template.unlink()
        else:
            shutil.rmtree(template, ignore_errors=True)
        shutil.copytree(REPO / "templates" / "scheduler", template)
        stubs(template)
    for command in (
        ["uv", "version", version, "--frozen"],
        ["uv", "build", "--wheel", "--no-sources", "--quiet", "-o", str(index)],
    ):
        result = run(command, cwd=source)
        assert result.returncode == 0, result.output


def new_stubs(template: Path) -> None:
    """What the next version changes: the jobs stub (which the user edited) and the Make file."""
    jobs = template / "files" / "app" / "components" / "scheduler.py"
    jobs.write_text(jobs.read_text() + "\n# New in 0.1.1: see the changelog.\n")
    make = template / "files" / "make" / "scheduler.mk.jinja"
    make.write_text(make.read_text() + "\nscheduler-check: ## New in 0.1.1\n\t@true\n")


def _changed(before: dict[str, str], after: dict[str, str]) -> set[str]:
    return {path for path in set(before) | set(after) if before.get(path) != after.get(path)}


def test_upgrade_moves_one_package_and_never_touches_an_edited_stub(
    project: Path, tmp_path: Path
) -> None:
    index = private_index(project, tmp_path / "index")
    ok("add", "scheduler", cwd=project)
    jobs = project / "app" / "components" / "scheduler.py"
    jobs.write_text(jobs.read_text() + USER_JOB)
    commit(project, "my job")
    build_scheduler(tmp_path, "0.1.1", index, new_stubs)
    build_scheduler(tmp_path, "0.1.2", index, new_stubs)

    dry = ok("upgrade", "scheduler", "--to", "0.1.1", "--dry-run", cwd=project).stdout
    assert "aegis-scheduler 0.1.0 → 0.1.1" in dry and "Dry run" in dry
    assert not _changed(tree_digest(project), tree_digest(project))

    files, lock = tree_digest(project), locked(project)
    failing = {"AEGIS_FAIL_AT": "refresh-stubs"}
    fails(1, "upgrade", "scheduler", "--to", "0.1.1", cwd=project, env=failing)
    assert tree_digest(project) == files, "a failed upgrade leaves the project as it was"
    assert venv_in_sync(project)

    output = ok("upgrade", "scheduler", "--to", "0.1.1", cwd=project).stdout
    assert "aegis-scheduler 0.1.0 → 0.1.1" in output and "No other package moved." in output
    assert _changed(lock, locked(project)) == {"aegis-scheduler"}
    assert locked(project)["aegis-scheduler"] == "0.1.1"
    assert _changed(files, tree_digest(project)) == {
        "uv.lock",
        ".aegis/manifest.json",
        "make/scheduler.mk",  # unchanged stub: follows the new version
        "app/components/scheduler.py.aegis-new",  # edited stub: new version beside it
    }
    assert jobs.read_text().endswith(USER_JOB), "the user's file is untouched"
    assert "New in 0.1.1" in (project / "app/components/scheduler.py.aegis-new").read_text()
    assert "scheduler-check:" in (project / "make/scheduler.mk").read_text()
    assert "app/components/scheduler.py.aegis-new" in output
    assert manifest(project)["components"]["scheduler"]["stubs_from"] == "aegis-scheduler 0.1.1"
    commit(project, "upgrade")

    files, lock = tree_digest(project), locked(project)
    assert "0.1.1 → 0.1.2" in ok("upgrade", "aegis-scheduler", cwd=project).stdout
    assert _changed(lock, locked(project)) == {"aegis-scheduler"}
    assert _changed(files, tree_digest(project)) == {"uv.lock", ".aegis/manifest.json"}
    commit(project, "upgrade again")
    assert "stays at 0.1.2" in ok("upgrade", "scheduler", cwd=project).stdout

    with run_server(cwd=project, python=venv_bin(project, "python")) as server:
        health = server.get("/health")
        assert health.status_code == 200, health.text
        assert "scheduler" in health.json()["components"]
