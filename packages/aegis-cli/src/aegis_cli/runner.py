"""Run external tools (uv, git) with captured output and failures the user can read."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

from aegis_cli.errors import AegisError

TAIL_LINES = 12


def run(
    command: Sequence[str],
    *,
    cwd: Path,
    what: str,
    env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run `command`; on failure raise AegisError naming `what` with the tool's last lines."""
    result = _run(command, cwd=cwd, what=what, env=env)
    if result.returncode != 0:
        output = (result.stderr or result.stdout).strip().splitlines()
        tail = "\n".join(output[-TAIL_LINES:])
        raise AegisError(f"could not {what} (`{' '.join(command)}` failed):\n{tail}")
    return result


def succeeds(command: Sequence[str], *, cwd: Path, what: str) -> bool:
    """Run `command` as an attempt whose failure the caller handles (e.g. by going online)."""
    return _run(command, cwd=cwd, what=what, env=None).returncode == 0


def _run(
    command: Sequence[str], *, cwd: Path, what: str, env: Mapping[str, str] | None
) -> subprocess.CompletedProcess[str]:
    tool = shutil.which(command[0])
    if tool is None:
        raise AegisError(f"{command[0]} is not installed; it is needed to {what}")
    merged_env = {**os.environ, **(env or {})}
    merged_env.pop("VIRTUAL_ENV", None)  # the project's own .venv, not the caller's
    return subprocess.run(
        [tool, *command[1:]], cwd=cwd, env=merged_env, capture_output=True, text=True
    )
