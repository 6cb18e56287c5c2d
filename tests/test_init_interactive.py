"""`aegis init` on a real terminal (a pty): it asks which components to add, explains each,
shows the plan, and asks before writing."""

from __future__ import annotations

import os
import pty
import re
import select
import signal
import sys
import time
from pathlib import Path

from aegis_cli.selection import available_names


def drive(argv: list[str], cwd: Path, answers: dict[str, str], timeout: float = 60) -> str:
    """Run `argv` on a pty, answering each prompt that contains a key of `answers`."""
    pid, fd = pty.fork()
    if pid == 0:  # child
        os.chdir(cwd)
        os.execv(sys.executable, [sys.executable, *argv])
    screen, pending, deadline = "", dict(answers), time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 4096).decode(errors="replace")
            except OSError:
                break
            if not chunk:
                break
            screen += chunk
            for prompt in [p for p in pending if p in screen.rsplit("\n", 1)[-1]]:
                os.write(fd, (pending.pop(prompt) + "\n").encode())
    else:  # still waiting at the deadline: an unanswered prompt; fail instead of hanging
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        raise AssertionError(f"no answer for a prompt after {timeout}s:\n{screen}")
    os.waitpid(pid, 0)
    return screen


def test_prompts_for_components_and_shows_plan(tmp_path: Path) -> None:
    names = available_names("component")
    answers = {f"Add component {name}": "n" for name in names}
    answers |= {f"Add service {n}": "n" for n in available_names("service")}
    if names:
        answers[f"Add component {names[0]}"] = "y"
    screen = drive(["-m", "aegis_cli", "init", "asked", "--dry-run"], tmp_path, answers)
    for name in names:
        assert f"Add component {name}:" in screen
    if names:
        assert re.search(rf"component\s+{names[0]}:", screen), screen
    assert "nothing was written" in screen
    assert list(tmp_path.iterdir()) == []


def test_declining_confirmation_writes_nothing(tmp_path: Path) -> None:
    answers = {f"Add component {n}": "n" for n in available_names("component")}
    answers |= {f"Add service {n}": "n" for n in available_names("service")}
    answers["Create this project?"] = "n"
    screen = drive(["-m", "aegis_cli", "init", "declined"], tmp_path, answers)
    assert "Create this project?" in screen
    assert list(tmp_path.iterdir()) == []
