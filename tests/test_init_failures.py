"""`aegis init` that cannot finish: the cause first in one line, then that nothing was created;
never a traceback, never a half-made project left behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support import aegis


def _assert_clean_failure(result_stderr: str, output: str) -> list[str]:
    lines = result_stderr.strip().splitlines()
    assert "Traceback" not in output, output
    assert lines and lines[0].startswith("Error: "), output
    return lines


@pytest.mark.parametrize("where", ["a-file", "under-a-file", "proc", "under-proc", "no-home"])
def test_an_output_dir_that_cannot_hold_a_project_is_one_line(
    tmp_path: Path, where: str, aegis_index: str
) -> None:
    """As root, permissions do not stop a write: a regular file on the way, or /proc, does."""
    (tmp_path / "notes.txt").write_text("a file, not a folder\n")
    output_dir = {
        "a-file": str(tmp_path / "notes.txt"),
        "under-a-file": str(tmp_path / "notes.txt" / "sub"),
        "proc": "/proc",
        "under-proc": f"/proc/aegis-{os.getpid()}/deeper",
        "no-home": "~no-such-user-aegis/src",
    }[where]
    result = aegis("init", "fresh", "--no-interactive", "-o", output_dir, cwd=tmp_path)
    assert result.returncode in (1, 2), result.output
    lines = _assert_clean_failure(result.stderr, result.output)
    assert len(lines) <= 2, lines
    if where.endswith("a-file"):
        assert "is a file, not a folder" in lines[0]
    elif where == "no-home":
        assert "there is no such home folder" in lines[0]
    else:
        assert "could not write the project" in lines[0]
        assert lines[1] == "Nothing was created."
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
    if where != "no-home":
        assert not Path(output_dir, "fresh").exists()


def _index(aegis_index: str, folder: Path, rename: dict[str, str]) -> Path:
    """A copy of the Aegis index; `rename` maps a wheel-name prefix to a new file name for it
    ('' drops the wheel)."""
    folder.mkdir()
    for wheel in Path(aegis_index).glob("*.whl"):
        prefix = next((p for p in rename if wheel.name.startswith(p)), None)
        name = wheel.name if prefix is None else rename[prefix]
        if name:
            (folder / name).write_bytes(wheel.read_bytes())
    return folder


@pytest.mark.parametrize(
    ("spec", "dropped", "message"),
    [
        ("worker", "aegis_worker", "unknown component 'worker'"),
        ("scheduler[sqlite]", "aegis_database", "scheduler requires database, which the Aegis"),
    ],
)
def test_a_package_the_index_lacks_is_refused_before_anything_is_written(
    tmp_path: Path, aegis_index: str, spec: str, dropped: str, message: str
) -> None:
    index = _index(aegis_index, tmp_path / "index", {dropped: ""})
    work = tmp_path / "work"
    work.mkdir()
    env = {"AEGIS_INDEX": str(index)}
    result = aegis("init", "lacking", "-c", spec, "--no-interactive", cwd=work, env=env)
    assert result.returncode == 2, result.output
    lines = _assert_clean_failure(result.stderr, result.output)
    assert message in lines[0], lines
    assert list(work.iterdir()) == []


def test_a_package_the_index_cannot_deliver_is_named_first(
    tmp_path: Path, aegis_index: str
) -> None:
    """The worker's wheel is listed but broken (its file name says another version), so uv
    fails. uv's reason comes first, then the outcome; the inner add's rollback is not reported
    as a failure (the whole folder goes anyway)."""
    worker = next(Path(aegis_index).glob("aegis_worker-*.whl")).name
    version = worker.split("-")[1]
    broken = worker.replace(f"-{version}-", f"-{version}.post1-")
    index = _index(aegis_index, tmp_path / "index", {"aegis_worker": broken})
    work = tmp_path / "work"
    work.mkdir()
    env = {"AEGIS_INDEX": str(index)}
    result = aegis("init", "lacking", "-c", "worker", "--no-interactive", cwd=work, env=env)
    assert result.returncode == 1, result.output
    lines = _assert_clean_failure(result.stderr, result.output)
    assert lines[0].startswith("Error: could not "), lines
    assert "aegis_worker" in result.stderr and "version" in result.stderr
    assert "rollback could not restore" not in result.output
    assert lines[-1] == "Nothing was created.", lines
    assert list(work.iterdir()) == []


def test_ctrl_c_during_init_says_so_and_leaves_nothing(tmp_path: Path, aegis_index: str) -> None:
    """A real SIGINT to the process group while `uv sync` installs the new project."""
    process = subprocess.Popen(
        [sys.executable, "-m", "aegis_cli", "init", "stopped", "--no-interactive"],
        cwd=tmp_path,
        env={k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"},
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 120
    while not (tmp_path / "stopped" / "pyproject.toml").exists() and process.poll() is None:
        assert time.monotonic() < deadline, "init never rendered the project"
        time.sleep(0.005)
    os.killpg(process.pid, signal.SIGINT)
    output, _ = process.communicate(timeout=120)
    assert process.returncode == 130, output
    assert "Traceback" not in output, output
    assert "interrupted; nothing was created" in output, output
    assert list(tmp_path.iterdir()) == []
