"""Helpers for the end-to-end tests: run `aegis`, copy cached projects, read their files."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
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


def init_project(root: Path, slug: str, components: str, index: str) -> Path:
    """`aegis init SLUG --components COMPONENTS` in `root`, resolving aegis-* from the index
    at `index` (its `/simple/` URL); the new project's folder."""
    made = aegis(
        "init", slug, "--no-interactive", "--components", components,
        cwd=root, env={"AEGIS_INDEX": index},
    )  # fmt: skip
    assert made.returncode == 0, made.output
    return root / slug


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


@contextmanager
def serve_project(project: Path, slug: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """Start the project's own `<slug> serve` on a free port; yield its base URL."""
    from aegis_core.testing import free_port, wait_for_port

    port = free_port()
    log = project / "server.log"
    with open(log, "wb") as log_file:
        process = subprocess.Popen(
            [venv_bin(project, slug), "serve", "--port", str(port)],
            cwd=project,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            env={**{k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}, **(env or {})},
        )
    try:
        try:
            wait_for_port("127.0.0.1", port, timeout=60)
        except TimeoutError:
            raise AssertionError(f"server did not start:\n{log.read_text()}") from None
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.unlink(missing_ok=True)
