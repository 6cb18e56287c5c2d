"""A typo in a setting, as users make them, through the commands the guides tell them to run.

Each entry point of a generated project with the database, scheduler and worker added prints one
line naming the setting and the fix, exits non-zero, and starts nothing: no traceback.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.lifecycle_support import commit, ok
from tests.support import Result, copy_project, run, venv_bin

SLUG = "mvp-api"

PORT = "Error: PORT='abc' is not a valid integer: set PORT in .env (or the environment) to a"
TIMEZONE = "Error: SCHEDULER_TIMEZONE='Mars/Olympus' is not valid (unknown time zone; use an IANA"
MAX_JOBS = "Error: WORKER_MAX_JOBS='abc' is not a valid integer: set WORKER_MAX_JOBS in .env"
DATABASE = "Error: DATABASE_URL='nonsense' is not valid (not a database URL; use sqlite:///"


@pytest.fixture(scope="module")
def grown(cached_project: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(cached_project, tmp_path_factory.mktemp("guides-settings") / SLUG)
    ok("add", "database,scheduler,worker", "--yes", cwd=project)
    commit(project, "components")
    return project


def one_error_line(result: Result, expected_start: str) -> None:
    assert result.returncode != 0, result.output
    assert "Traceback" not in result.output, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.output
    assert errors[0].startswith(expected_start), result.output


@pytest.mark.parametrize(
    ("command", "setting", "value", "expected"),
    [
        ([SLUG, "serve"], "PORT", "abc", PORT),
        (["make", "serve"], "PORT", "abc", PORT),
        ([SLUG, "health", "status"], "PORT", "abc", PORT),
        ([SLUG, "serve"], "SCHEDULER_TIMEZONE", "Mars/Olympus", TIMEZONE),
        ([SLUG, "scheduler", "run"], "SCHEDULER_TIMEZONE", "Mars/Olympus", TIMEZONE),
        (["make", "scheduler"], "SCHEDULER_TIMEZONE", "Mars/Olympus", TIMEZONE),
        ([SLUG, "worker", "run"], "WORKER_MAX_JOBS", "abc", MAX_JOBS),
        ([SLUG, "db", "current"], "DATABASE_URL", "nonsense", DATABASE),
        ([SLUG, "serve"], "DATABASE_URL", "nonsense", DATABASE),
    ],
)
def test_a_bad_setting_is_one_line(
    grown: Path, command: list[str], setting: str, value: str, expected: str
) -> None:
    program = venv_bin(grown, SLUG) if command[0] == SLUG else command[0]

    result = run([program, *command[1:]], cwd=grown, env={setting: value}, timeout=120)

    one_error_line(result, expected)
    assert result.returncode == 2  # the usage-error code (make passes it on)


def test_make_serve_with_a_bad_port_in_dot_env(grown: Path) -> None:
    env_file = grown / ".env"
    env_file.write_text("PORT=abc\n")
    try:
        result = run(["make", "serve"], cwd=grown, timeout=120)
    finally:
        env_file.unlink()

    one_error_line(result, PORT)


def test_downgrade_to_an_unknown_revision_creates_no_database(grown: Path) -> None:
    result = run([venv_bin(grown, SLUG), "db", "downgrade", "bogusrev"], cwd=grown, timeout=120)

    assert result.returncode == 1
    assert result.stderr.startswith("Error: unknown revision 'bogusrev'")
    assert len(result.stderr.splitlines()) == 1
    assert not (grown / "data" / "app.db").exists()
