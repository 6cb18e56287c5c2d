"""Helpers for the end-to-end tests: run `aegis`, copy cached projects, read their files."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
IGNORED = shutil.ignore_patterns(
    ".venv", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache"
)


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def run(
    command: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 300
) -> Result:
    full_env = {**os.environ, **(env or {})}
    full_env.pop("VIRTUAL_ENV", None)
    done = subprocess.run(
        command, cwd=cwd, env=full_env, capture_output=True, text=True, timeout=timeout
    )
    return Result(done.returncode, done.stdout, done.stderr)


def aegis(*args: str, cwd: Path, env: dict[str, str] | None = None) -> Result:
    """Run the real `aegis` command in a subprocess, as a user would."""
    return run([sys.executable, "-m", "aegis_cli", *args], cwd=cwd, env=env)


def copy_project(source: Path, destination: Path) -> Path:
    """Copy a generated project without its venv, then re-create the venv (warm uv cache)."""
    shutil.copytree(source, destination, ignore=IGNORED, symlinks=True)
    result = run(["uv", "sync", "--quiet"], cwd=destination)
    assert result.returncode == 0, result.output
    return destination


def tree_digest(root: Path) -> dict[str, str]:
    """Path → sha256 of every file outside .venv/.git: to prove nothing changed."""
    digests = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if path.is_file() and not {".venv", ".git", "__pycache__"} & set(relative.parts):
            digests[str(relative)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digests


def venv_bin(project: Path, name: str) -> str:
    return str(project / ".venv" / "bin" / name)
