"""All or nothing: a failure after any step of add or remove leaves the project byte-for-byte as
it was, and its venv synced to the restored lock.

Injected failures (AEGIS_FAIL_AT, a test-only switch read by the transaction) cover every step of
every real component; real failures (uv cannot resolve, a write fails, a real Ctrl-C) show the
switch is not the only way in.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from aegis_cli.lifecycle.engine import ADD_STEPS, REMOVE_STEPS
from aegis_cli.lifecycle.transaction import FAIL_ENV

from tests.lifecycle_support import (
    commit,
    components,
    fails,
    manifest,
    ok,
    private_index,
    pyproject,
    venv_in_sync,
)
from tests.support import tree_digest


def _every_step_rolls_back(project: Path, command: str, name: str, steps: tuple[str, ...]) -> None:
    """Fail after each step in turn, last step first: that first run goes online and fills
    uv's cache, the others run with UV_OFFLINE=1 (still real uv, a second faster each)."""
    before = tree_digest(project)
    for number, step in enumerate(reversed(steps)):
        env = {FAIL_ENV: step, **({"UV_OFFLINE": "1"} if number else {})}
        result = fails(1, command, name, cwd=project, env=env)
        assert f"after step {step!r}" in result.stderr, result.output
        _cause_first_then_rolled_back(result.stderr)
        assert tree_digest(project) == before, f"{command} {name}: changed after failing at {step}"
        assert venv_in_sync(project), f"{command} {name}: venv not restored after {step}"
    interrupt = {FAIL_ENV: f"{steps[-2]}:interrupt", "UV_OFFLINE": "1"}
    stopped = fails(130, command, name, cwd=project, env=interrupt)
    assert "Error: interrupted; nothing was changed" in stopped.stderr, stopped.output
    assert tree_digest(project) == before
    assert venv_in_sync(project)


def _cause_first_then_rolled_back(stderr: str) -> None:
    """The cause is what the user acts on, so it comes first; the rollback's outcome last."""
    lines = stderr.strip().splitlines()
    assert lines[0].startswith("Error: "), stderr
    assert "rollback" not in lines[0], stderr
    assert lines[-1] == "Rolled back: nothing was changed.", stderr


@pytest.mark.parametrize("name", components())
def test_add_fails_after_any_step_and_changes_nothing(project: Path, name: str) -> None:
    _every_step_rolls_back(project, "add", name, ADD_STEPS)
    ok("add", name, cwd=project)
    assert name in manifest(project)["components"], "without the switch the same add works"


@pytest.mark.parametrize("name", components())
def test_remove_fails_after_any_step_and_changes_nothing(project: Path, name: str) -> None:
    ok("add", name, cwd=project)
    commit(project)
    _every_step_rolls_back(project, "remove", name, REMOVE_STEPS)
    ok("remove", name, cwd=project)
    assert name not in manifest(project)["components"]


def test_uv_that_cannot_install_changes_nothing(project: Path, tmp_path: Path) -> None:
    """The Aegis index lists the package but cannot deliver it (its wheel's file name names
    another version, which uv refuses): uv fails for real and we roll back."""
    name = components()[0]
    shared = Path(pyproject(project)["tool"]["uv"]["index"][0]["url"])
    index = private_index(project, tmp_path / "index", without=(f"aegis_{name}-",))
    wheel = next(shared.glob(f"aegis_{name}-*.whl"))
    version = wheel.name.split("-")[1]
    broken = index / wheel.name.replace(f"-{version}-", f"-{version}.post1-")
    broken.write_bytes(wheel.read_bytes())
    before = tree_digest(project)
    result = fails(1, "add", name, cwd=project)
    assert result.stderr.startswith("Error: could not "), result.stderr
    assert "does not match" in result.stderr, result.stderr
    _cause_first_then_rolled_back(result.stderr)
    assert tree_digest(project) == before
    assert venv_in_sync(project)


def test_a_write_that_fails_halfway_changes_nothing(project: Path) -> None:
    (project / "tests" / "components").write_text("a file where a folder should be\n")
    commit(project)
    before = tree_digest(project)
    name = next(n for n in components() if n != "database") if len(components()) > 1 else "database"
    result = fails(1, "add", name, cwd=project)
    assert f"could not write tests/components/test_{name}.py" in result.stderr
    _cause_first_then_rolled_back(result.stderr)
    assert tree_digest(project) == before
    assert venv_in_sync(project)


def test_a_real_ctrl_c_during_add_changes_nothing(project: Path) -> None:
    """SIGINT to the whole process group, as a terminal sends it, right after uv add wrote
    pyproject.toml (uv sync is running then)."""
    before = tree_digest(project)
    original = (project / "pyproject.toml").read_bytes()
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    process = subprocess.Popen(
        [sys.executable, "-m", "aegis_cli", "add", components()[0]],
        cwd=project,
        env=env,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 60
    while (project / "pyproject.toml").read_bytes() == original and process.poll() is None:
        assert time.monotonic() < deadline, "uv add never wrote pyproject.toml"
        time.sleep(0.005)
    os.killpg(process.pid, signal.SIGINT)
    output, _ = process.communicate(timeout=120)
    assert process.returncode == 130, f"the add finished before the interrupt:\n{output}"
    assert "Traceback" not in output, output
    assert "Error: interrupted; nothing was changed" in output, output
    assert tree_digest(project) == before
    assert venv_in_sync(project)
