#!/usr/bin/env python3
"""Developer entry point for the Aegis repository; needs only Python >= 3.11 (uv is installed
on first use when missing).

    python3 dev.py demo   create ./demo/mvp-api from this checkout and serve it on :8000
    python3 dev.py test   lint, type-check and run the whole test suite (what CI runs)
    python3 dev.py release PACKAGE (VERSION | --bump patch|minor|major) [--to DIR] [--dry-run]
                          release one package to the Aegis index (see devtools/release.py)
    python3 dev.py index [--port 8800]
                          serve this checkout's packages as an index over HTTP (for AEGIS_INDEX)

`test` first makes sure the machine has every real part the suite uses (uv, chromium, node/npm
with playwright-core, redis-server, make, git, a running PostgreSQL; docker.io and mmdebstrap
for the container tests): as root it installs what is missing from Debian's packages;
otherwise it stops, naming what to install.
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


SYSTEM_PACKAGES = {
    # command on PATH -> Debian package providing it
    "chromium": "chromium",
    "redis-server": "redis-server",
    "node": "nodejs",
    "npm": "npm",
    "make": "make",
    "git": "git",
    "dockerd": "docker.io",  # the container tests' engine; images come from mmdebstrap
    "mmdebstrap": "mmdebstrap",
    # `aegis deploy` tests: a real sshd on loopback, the system ssh and rsync as the client
    "sshd": "openssh-server",
    "ssh": "openssh-client",
    "rsync": "rsync",
}
BROWSER_HARNESS = ROOT / "tests" / "browser"


def install_prerequisites() -> None:
    """Install what the suite needs and the machine lacks, or exit naming it.

    The tests never download a browser or a toolchain of their own: chromium comes from Debian,
    playwright-core from npm (pinned by tests/browser/package-lock.json).
    """
    missing = sorted({pkg for cmd, pkg in SYSTEM_PACKAGES.items() if not shutil.which(cmd)})
    if missing:
        can_install = os.geteuid() == 0 and shutil.which("apt-get") is not None
        if not can_install:
            sys.exit(
                f"missing system packages: {' '.join(missing)}; "
                f"install them with `sudo apt-get install {' '.join(missing)}` and run again"
            )
        print(f"installing system packages: {' '.join(missing)}", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        ok = subprocess.run(["apt-get", "update", "-qq"], env=env).returncode == 0
        install = ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing]
        if not ok or subprocess.run(install, env=env, stdout=subprocess.DEVNULL).returncode:
            sys.exit(f"could not install {' '.join(missing)} with apt-get; see the output above")
    _start_postgresql()
    modules = BROWSER_HARNESS / "node_modules"
    if not all((modules / name).is_dir() for name in ("playwright-core", "axe-core")):
        npm = ("npm", "ci", "--no-audit", "--no-fund", "--silent")
        if sh(*npm, cwd=BROWSER_HARNESS) != 0:
            sys.exit("npm ci in tests/browser failed (playwright-core, axe-core): see above")


def _start_postgresql() -> None:
    """Start the machine's PostgreSQL cluster when it is installed but stopped.

    Tests that need it say so by name when it is absent; nothing here creates a server.
    """
    if shutil.which("pg_isready") is None or shutil.which("pg_ctlcluster") is None:
        return
    ready = ["pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432"]
    if subprocess.run(ready).returncode == 0:
        return
    clusters = sorted(Path("/etc/postgresql").glob("*/main"))
    for cluster in clusters[-1:]:
        start = ["pg_ctlcluster", "--skip-systemctl-redirect", cluster.parent.name, "main", "start"]
        subprocess.run(start)


SOURCES = ROOT.glob("packages/*/src")


def test(pytest_args: list[str]) -> int:
    install_prerequisites()
    sync()
    checks = [
        ("ruff", "check", "."),
        ("ruff", "format", "--check", "."),
        ("mypy", "devtools", *sorted(str(p.relative_to(ROOT)) for p in SOURCES)),
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


def release(args: list[str]) -> int:
    sync()
    return sh(uv(), "run", "--quiet", "python", "-m", "devtools.release", *args)


def index(args: list[str]) -> int:
    sync()
    return sh(uv(), "run", "--quiet", "python", "-m", "devtools.dev_index", *args)


def main() -> int:
    commands = {"demo": lambda _: demo(), "test": test, "release": release, "index": index}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print(__doc__)
        return 2
    return commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
