"""Distribution: packages released one at a time to a real index, and projects that work on
any machine because they name that index's URL, never a folder of the machine that made them.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.index_support import (
    clone_repository,
    locked_aegis,
    publish_wheelhouse,
    release,
    serve_folder,
)
from tests.support import REPO, aegis, run, serve_project, tree_digest, venv_bin


def tracked_text(project: Path) -> dict[str, str]:
    files = run(["git", "ls-files", "-z"], cwd=project).stdout.split("\0")
    return {name: (project / name).read_text(errors="replace") for name in files if name}


def test_a_project_from_an_http_index_names_no_folder_and_syncs_after_a_clone(
    served_index: str, tmp_path: Path
) -> None:
    maker = tmp_path / "machine-a"
    maker.mkdir()
    created = aegis(
        "init", "mvp-api", "--no-interactive", "-c", "worker", cwd=maker,
        env={"AEGIS_INDEX": served_index},
    )  # fmt: skip
    assert created.returncode == 0, created.output
    project = maker / "mvp-api"

    leaks = {
        name: marker
        for name, text in tracked_text(project).items()
        for marker in (str(REPO), str(maker), "wheelhouse", "file://")
        if marker in text
    }
    assert leaks == {}, "the project names places of the machine that made it"
    assert served_index in (project / "uv.lock").read_text()
    manifest = json.loads((project / ".aegis" / "manifest.json").read_text())
    assert manifest["components"]["worker"]["stubs_from"] == "aegis-worker 0.1.0", (
        "the stubs come from the installed component package, matching its version"
    )

    elsewhere = tmp_path / "machine-b" / "checkout"
    cloned = run(["git", "clone", "-q", str(project), str(elsewhere)], cwd=tmp_path)
    assert cloned.returncode == 0, cloned.output
    shutil.rmtree(project)  # the original and its venv are gone: nothing may point there

    synced = run(["uv", "sync", "--locked"], cwd=elsewhere)
    assert synced.returncode == 0, synced.output
    assert run(["git", "status", "--porcelain"], cwd=elsewhere).stdout == "", "lock changed"
    tests = run([venv_bin(elsewhere, "pytest"), "-q", "-p", "no:cacheprovider"], cwd=elsewhere)
    assert tests.returncode == 0, tests.output
    with serve_project(elsewhere, "mvp-api") as url:
        health = httpx.get(f"{url}/health", timeout=30)
    assert health.json()["components"]["backend"]["status"] == "healthy"


@pytest.fixture
def repo_clone(tmp_path: Path) -> Path:
    return clone_repository(tmp_path / "aegis")


def test_release_publishes_one_package_and_touches_no_other(
    repo_clone: Path, index_dir: Path, tmp_path: Path
) -> None:
    index = tmp_path / "index"
    shutil.copytree(index_dir, index)  # the released 0.1.0 history, private to this test
    before = run(["git", "rev-parse", "HEAD"], cwd=repo_clone).stdout.strip()

    dry = release(repo_clone, "aegis-worker", "--bump", "patch", "--to", str(index), "--dry-run")
    assert dry.returncode == 0, dry.stdout + dry.stderr
    assert "would publish to static index" in dry.stdout
    assert not (index / "files" / "aegis_worker-0.1.1-py3-none-any.whl").exists()
    assert run(["git", "status", "--porcelain"], cwd=repo_clone).stdout == ""

    done = release(repo_clone, "aegis-worker", "--bump", "patch", "--to", str(index))
    assert done.returncode == 0, done.stdout + done.stderr

    page = (index / "simple" / "aegis-worker" / "index.html").read_text()
    assert "aegis_worker-0.1.1-py3-none-any.whl#sha256=" in page
    assert "aegis_worker-0.1.0-py3-none-any.whl#sha256=" in page, "history stays"
    changed = run(["git", "diff", "--name-only", before, "HEAD"], cwd=repo_clone).stdout.split()
    assert sorted(changed) == [
        "packages/aegis-worker/CHANGELOG.md",
        "packages/aegis-worker/pyproject.toml",
        "uv.lock",
    ]
    assert run(["git", "tag", "--list", "aegis-worker-v0.1.1"], cwd=repo_clone).stdout.strip()
    notes = (repo_clone / "packages/aegis-worker/CHANGELOG.md").read_text()
    assert notes.index("## Unreleased") < notes.index("## 0.1.1 (") < notes.index("First release")

    again = release(repo_clone, "aegis-worker", "0.1.1", "--to", str(index))
    assert again.returncode == 1
    assert again.stderr.strip().splitlines() == [
        "release refused: tag aegis-worker-v0.1.1 exists already: 0.1.1 is released"
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["aegis-nope", "1.0"], "no workspace member aegis-nope"),
        (["aegis-worker", "zero"], "'zero' is not a valid version"),
        (["aegis-worker", "0.0.9"], "0.0.9 is older than the current 0.1.0"),
        (["aegis-worker"], "give either a VERSION or --bump"),
    ],
)
def test_release_refuses_bad_input_in_one_line(
    repo_clone: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    refused = release(repo_clone, *args, "--to", str(tmp_path / "index"))
    assert refused.returncode == 1
    assert len(refused.stderr.strip().splitlines()) == 1
    assert message in refused.stderr
    assert not (tmp_path / "index").exists()


def test_release_refuses_an_empty_changelog_and_changes_nothing(
    repo_clone: Path, tmp_path: Path
) -> None:
    changelog = repo_clone / "packages/aegis-ingress/CHANGELOG.md"
    changelog.write_text("# Changelog\n\n## Unreleased\n\n## 0.1.0 (2026-11-01)\n\n- First.\n")
    run(["git", "commit", "-q", "-am", "empty notes"], cwd=repo_clone)

    refused = release(repo_clone, "aegis-ingress", "0.1.1", "--to", str(tmp_path / "index"))

    assert refused.returncode == 1
    assert "'## Unreleased' is empty: write what changed" in refused.stderr
    assert run(["git", "status", "--porcelain"], cwd=repo_clone).stdout == ""
    assert not (tmp_path / "index").exists()


def test_a_release_whose_dependencies_are_not_on_the_index_is_refused_and_rolled_back(
    repo_clone: Path, tmp_path: Path
) -> None:
    empty = tmp_path / "index"
    (empty / "simple").mkdir(parents=True)  # an index without aegis-core

    refused = release(repo_clone, "aegis-worker", "0.1.1", "--to", str(empty))

    assert refused.returncode == 1
    assert "are its aegis-* dependencies released to the index yet?" in refused.stderr
    assert run(["git", "status", "--porcelain"], cwd=repo_clone).stdout == ""
    assert not (empty / "files").exists()


def test_dev_index_serves_this_checkout_over_http(aegis_index: str) -> None:
    """`dev.py index` publishes the current sources and serves them; uv-readable pages."""
    from aegis_core.testing import free_port, wait_for_port

    port = free_port()
    command = [sys.executable, "-m", "devtools.dev_index", "--port", str(port)]
    server = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        wait_for_port("127.0.0.1", port, timeout=120)
        assert server.stdout is not None
        url = server.stdout.readline().split(" at ")[1].split()[0]
        page = httpx.get(f"{url}aegis-core/", timeout=10)
        assert page.status_code == 200
        assert "aegis_core-0.1.0-py3-none-any.whl#sha256=" in page.text
        assert url.startswith(f"http://127.0.0.1:{port}/{Path(aegis_index).name}/")
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_the_index_says_what_each_package_is_from_its_own_metadata(
    served_index: str, aegis_index: str, index_dir: Path
) -> None:
    """Kinds, requirements and options come from the packages, over HTTP (PEP 658 metadata),
    from a file:// simple index and from a folder of wheels alike."""
    from aegis_cli.index import AegisIndex
    from aegis_cli.offers import read_offers

    over_http = read_offers(AegisIndex(served_index, "simple"))
    as_file = read_offers(AegisIndex((index_dir / "simple").as_uri() + "/", "simple"))
    flat = read_offers(AegisIndex(aegis_index, "flat"))

    assert over_http == as_file == flat
    offers = {o.name: o for o in over_http}
    assert set(offers) == {"database", "worker", "scheduler", "auth", "ai", "ingress"}
    assert (offers["worker"].kind, offers["worker"].needs) == ("component", ("Redis",))
    assert (offers["auth"].kind, offers["auth"].requires) == ("service", ("database",))
    assert offers["scheduler"].options["sqlite"] == ("database",)
    assert offers["scheduler"].summary == "Scheduled jobs with APScheduler 3.x."
    assert {name for name, offer in offers.items() if not offer.built} == set()


def test_index_set_moves_a_project_to_another_index_keeping_every_version(
    project: Path, served_index: str
) -> None:
    """From the folder of wheels it was made with to a real index over HTTP."""
    before = locked_aegis(project)

    moved = aegis("index", "set", served_index, cwd=project)

    assert moved.returncode == 0, moved.output
    assert locked_aegis(project) == before
    lock = (project / "uv.lock").read_text()
    assert f'source = {{ registry = "{served_index}" }}' in lock
    assert 'format = "flat"' not in (project / "pyproject.toml").read_text()
    changed = run(["git", "status", "--porcelain"], cwd=project).stdout.split("\n")
    assert sorted(line[3:] for line in changed if line) == ["pyproject.toml", "uv.lock"]
    assert run(["uv", "sync", "--locked"], cwd=project).returncode == 0


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.com/simple/", "give the index as an http(s):// or file:// URL"),
        ('http://x/"; rm -rf /', "give the index as an http(s):// or file:// URL"),
        ("http://127.0.0.1:9/simple/", "cannot read the Aegis index at http://127.0.0.1:9/"),
    ],
)
def test_index_set_refuses_what_is_no_index_in_one_line(
    project: Path, url: str, message: str
) -> None:
    before = tree_digest(project)

    refused = aegis("index", "set", url, cwd=project)

    assert refused.returncode == 2
    assert message in refused.output
    assert "Traceback" not in refused.output
    assert tree_digest(project) == before


def test_index_set_to_an_index_lacking_a_locked_package_changes_nothing(
    project: Path, aegis_index: str, tmp_path: Path
) -> None:
    added = aegis("add", "worker", "--yes", cwd=project)
    assert added.returncode == 0, added.output
    run(["git", "add", "-A"], cwd=project)
    run(["git", "commit", "-qm", "worker"], cwd=project)
    partial = tmp_path / "partial-index"
    publish_wheelhouse(Path(aegis_index), partial, only={"aegis_core"})
    before = tree_digest(project)

    with serve_folder(partial) as url:
        refused = aegis("index", "set", f"{url}/simple/", cwd=project)

    assert refused.returncode != 0
    assert "Traceback" not in refused.output
    assert tree_digest(project) == before
    assert run(["uv", "sync", "--locked"], cwd=project).returncode == 0
