#!/usr/bin/env python3
"""Developer entry point for the Aegis repository; needs only Python >= 3.11 (uv is installed
on first use when missing).

    python3 dev.py demo   create ./demo/mvp-api from this checkout and serve it on :8000
    python3 dev.py test   lint, type-check and run the whole test suite (what CI runs)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
BOOTSTRAP = ROOT / ".aegis" / "bootstrap"
DEMO_DIR = ROOT / "demo"
DEMO_NAME = "mvp-api"


def uv() -> str:
    """The `uv` on PATH, or one installed into a private venv with pip (no system changes)."""
    found = shutil.which("uv")
    if found:
        return found
    private = BOOTSTRAP / "bin" / "uv"
    if not private.exists():
        print("uv not found: installing it into .aegis/bootstrap with pip …", flush=True)
        venv.create(BOOTSTRAP, with_pip=True)
        pip = [BOOTSTRAP / "bin" / "python", "-m", "pip", "install", "-q", "uv"]
        subprocess.run(pip, check=True)
    os.environ["PATH"] = f"{private.parent}{os.pathsep}{os.environ['PATH']}"
    return str(private)


def sh(*command: str | Path, cwd: Path = ROOT) -> int:
    print("$", " ".join(map(str, command)), flush=True)
    return subprocess.run([str(c) for c in command], cwd=cwd).returncode


def sync() -> None:
    if sh(uv(), "sync", "--all-packages", "--quiet") != 0:
        sys.exit("uv sync failed; see the output above")


def demo() -> int:
    sync()
    project = DEMO_DIR / DEMO_NAME
    if not project.exists():
        DEMO_DIR.mkdir(exist_ok=True)
        code = sh(uv(), "run", "aegis", "init", DEMO_NAME, "--no-interactive", "-o", DEMO_DIR)
        if code != 0:
            return code
    print(f"\nServing {project} on http://127.0.0.1:8000 (health: /health, dashboard: /dashboard)")
    return sh(uv(), "run", DEMO_NAME, "serve", "--port", "8000", cwd=project)


def test(pytest_args: list[str]) -> int:
    sync()
    checks = [
        ("ruff", "check", "."),
        ("ruff", "format", "--check", "."),
        ("mypy", *sorted(str(p.relative_to(ROOT)) for p in ROOT.glob("packages/*/src"))),
    ]
    for check in checks:
        if sh(uv(), "run", *check) != 0:
            return 1
    workers = os.environ.get("AEGIS_TEST_WORKERS", "2")
    code = sh(uv(), "run", "pytest", "-n", workers, "--durations=15", *pytest_args)
    if code == 5:  # pytest: no tests collected — that is a failure for CI, not a pass
        print("no tests were collected")
        return 1
    return code


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in {"demo", "test"}:
        print(__doc__)
        return 2
    return demo() if sys.argv[1] == "demo" else test(sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
