"""The Aegis index: where a project gets every aegis-* distribution, never from PyPI.

`AEGIS_INDEX` names it (a folder of wheels, or a simple-index URL). Unset, and running from
the Aegis repository, the workspace's wheels are built into `.aegis/wheelhouse` and rebuilt
whenever their sources change, so a fresh clone works with no setup.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlparse

from aegis_cli.errors import AegisError
from aegis_cli.paths import workspace_root

INDEX_ENV = "AEGIS_INDEX"
HASH_FILE = ".source-hash"


@dataclass(frozen=True)
class AegisIndex:
    url: str
    format: Literal["flat", "simple"]


def resolve_index(*, build: bool = True) -> AegisIndex:
    configured = os.environ.get(INDEX_ENV, "").strip()
    if configured:
        return _from_setting(configured)
    root = workspace_root()
    if root is None:
        raise AegisError(
            f"no Aegis index: set {INDEX_ENV} to a folder of aegis-* wheels or an index URL",
            hint="PyPI is never used for aegis-* packages: unrelated projects own those names.",
        )
    wheelhouse = root / ".aegis" / "wheelhouse"
    if build:
        ensure_wheelhouse(root, wheelhouse)
    return AegisIndex(str(wheelhouse), "flat")


def _from_setting(value: str) -> AegisIndex:
    parsed = urlparse(value)
    if parsed.scheme in {"http", "https"}:
        return AegisIndex(value, "simple")
    folder = Path(parsed.path if parsed.scheme == "file" else value).expanduser().resolve()
    if not folder.is_dir() or not any(folder.glob("aegis_core-*.whl")):
        raise AegisError(
            f"{INDEX_ENV}={value} is not a folder holding aegis-core wheels nor an http(s) URL"
        )
    return AegisIndex(str(folder), "flat")


def source_hash(root: Path) -> str:
    """A digest of everything that goes into the wheels (sources, metadata, templates)."""
    digest = hashlib.sha256()
    inputs = [*root.glob("packages/*/pyproject.toml"), *root.glob("packages/*/README.md")]
    inputs += [p for p in root.glob("packages/*/src/**/*") if p.is_file()]
    inputs += [p for p in root.glob("templates/**/*") if p.is_file()]
    for path in sorted(p for p in inputs if "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def ensure_wheelhouse(root: Path, wheelhouse: Path) -> bool:
    """Build the workspace wheels into `wheelhouse` unless they are current. True if built."""
    from aegis_cli.console import progress
    from aegis_cli.runner import run

    wheelhouse.parent.mkdir(parents=True, exist_ok=True)
    with open(wheelhouse.parent / "wheelhouse.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # concurrent test workers build once
        wanted = source_hash(root)
        stamp = wheelhouse / HASH_FILE
        if stamp.is_file() and stamp.read_text() == wanted:
            return False
        with progress("Building Aegis wheels from this checkout…"):
            staging = Path(tempfile.mkdtemp(prefix="wheelhouse-", dir=wheelhouse.parent))
            run(
                ["uv", "build", "--all-packages", "--wheel", "--quiet", "-o", str(staging)],
                cwd=root,
                what="build the Aegis wheels",
            )
            (staging / HASH_FILE).write_text(wanted)
            shutil.rmtree(wheelhouse, ignore_errors=True)
            staging.rename(wheelhouse)
            _forget_cached_wheels(root, wheelhouse)
        return True


def _forget_cached_wheels(root: Path, wheelhouse: Path) -> None:
    """Rebuilt wheels keep their version, and uv would serve its cached copy of the old
    build to the next project; drop the aegis-* entries from uv's cache."""
    from aegis_cli.runner import run

    names = sorted({w.name.split("-")[0].replace("_", "-") for w in wheelhouse.glob("*.whl")})
    run(["uv", "cache", "clean", *names], cwd=root, what="refresh uv's cache of Aegis wheels")
