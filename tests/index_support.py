"""A real Aegis index for the end-to-end tests: the workspace's wheels published into a static
PEP 503 folder (the same code `dev.py release` publishes with), served over HTTP on 127.0.0.1
by a real web server, so generated projects name a URL and never a folder of this machine."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from aegis_core.testing import free_port, wait_for_port

from devtools import simple_index


def publish_wheelhouse(wheelhouse: Path, index_dir: Path, only: set[str] | None = None) -> Path:
    """Publish the wheels of a flat wheelhouse (`only` those import names, e.g. {"aegis_core"})
    into a static index folder."""
    wheels = [w for w in wheelhouse.glob("*.whl") if only is None or w.name.split("-")[0] in only]
    simple_index.publish(index_dir, sorted(wheels))
    return index_dir


def locked_aegis(project: Path) -> dict[str, str]:
    """The aegis-* versions a project's uv.lock holds, by package name."""
    import tomllib

    packages = tomllib.loads((project / "uv.lock").read_text())["package"]
    return {p["name"]: p["version"] for p in packages if p["name"].startswith("aegis-")}


@contextmanager
def serve_folder(folder: Path) -> Iterator[str]:
    """Serve `folder` with Python's own static web server; yield its base URL."""
    port = free_port()
    command = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"]
    process = subprocess.Popen(
        command, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_for_port("127.0.0.1", port, timeout=20)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def clone_repository(destination: Path) -> Path:
    """A clone of this repository to release from, with a committer identity of its own."""
    from tests.support import REPO, run

    cloned = run(["git", "clone", "-q", str(REPO), str(destination)], cwd=destination.parent)
    assert cloned.returncode == 0, cloned.output
    for key, value in (("user.email", "release@example.com"), ("user.name", "release")):
        run(["git", "config", key, value], cwd=destination)
    return destination


def release(clone: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`dev.py release ARGS` in a clone (its own devtools, run by this venv's Python)."""
    command = [sys.executable, "-m", "devtools.release", *args]
    return subprocess.run(command, cwd=clone, capture_output=True, text=True, timeout=600)
