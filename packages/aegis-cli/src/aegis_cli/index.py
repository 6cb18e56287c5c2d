"""The Aegis index: where a project gets every aegis-* distribution, never from PyPI.

Where it is, first match wins:
1. `AEGIS_INDEX`: a simple-index URL (`https://…/simple/`), or a folder of wheels;
2. an index named `aegis` in `UV_INDEX` (`UV_INDEX=aegis=https://…/simple/`), which uv itself
   reads too, so `uvx --from aegis-cli aegis init my-api` needs nothing else;
3. the index this aegis-cli was installed from (`uv tool install aegis-cli --index aegis=URL`
   records it in the tool's receipt), so an installed `aegis` needs no setting;
4. running from the Aegis repository: the workspace's wheels, built into
   `.aegis/wheelhouses/<digest>/`, a folder named after the digest of their sources, so a fresh
   clone works with no setup (projects made this way name that folder: `python3 dev.py index`
   serves the same packages over HTTP for projects that must work elsewhere).

Why a folder per digest: a rebuilt wheel keeps its version, and uv caches wheels per index
URL and file name, so it would serve the old build from its cache; a new folder is a new index.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlparse

from aegis_cli.errors import AegisError
from aegis_cli.paths import workspace_root

INDEX_ENV = "AEGIS_INDEX"
KEEP_WHEELHOUSES = 5


@dataclass(frozen=True)
class AegisIndex:
    url: str
    format: Literal["flat", "simple"]


def resolve_index() -> AegisIndex:
    configured = os.environ.get(INDEX_ENV, "").strip() or named_in_uv_index() or installed_from()
    if configured:
        return _from_setting(configured)
    root = workspace_root()
    if root is None:
        raise AegisError(
            f"no Aegis index: set {INDEX_ENV} to the index URL (e.g. https://…/simple/)",
            hint="PyPI is never used for aegis-* packages: unrelated projects own those names.",
        )
    return AegisIndex(str(ensure_wheelhouse(root)), "flat")


def named_in_uv_index() -> str:
    """The URL of the index named `aegis` in uv's own `UV_INDEX` setting, or ''."""
    for entry in os.environ.get("UV_INDEX", "").split():
        name, separator, url = entry.partition("=")
        if separator and name == "aegis" and url:
            return url
    return ""


def installed_from(prefix: Path | None = None) -> str:
    """The `aegis` index URL in the uv tool receipt of this environment, or ''."""
    import tomllib

    receipt = (prefix or Path(sys.prefix)) / "uv-receipt.toml"
    try:
        data = tomllib.loads(receipt.read_text())
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return ""
    indexes = data.get("tool", {}).get("options", {}).get("index", [])
    urls = [i.get("url") for i in indexes if isinstance(i, dict) and i.get("name") == "aegis"]
    return next((u for u in urls if isinstance(u, str) and u.startswith(("http", "file"))), "")


def _from_setting(value: str) -> AegisIndex:
    parsed = urlparse(value)
    if parsed.scheme in {"http", "https"}:
        return AegisIndex(value, "simple")
    if parsed.scheme == "file" and (Path(parsed.path) / "index.html").is_file():
        return AegisIndex(value, "simple")  # a static simple index read from disk
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


def ensure_wheelhouse(root: Path) -> Path:
    """The wheelhouse for the current sources, built when it does not exist yet."""
    from filelock import FileLock

    from aegis_cli.console import progress
    from aegis_cli.runner import run

    parent = root / ".aegis" / "wheelhouses"
    parent.mkdir(parents=True, exist_ok=True)
    with FileLock(parent / ".lock"):  # concurrent builds (test workers, two shells) build once
        wheelhouse = parent / source_hash(root)[:16]
        if wheelhouse.is_dir():
            return wheelhouse
        with progress("Building Aegis wheels from this checkout…"):
            staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=parent))
            run(
                ["uv", "build", "--all-packages", "--wheel", "--quiet", "-o", str(staging)],
                cwd=root,
                what="build the Aegis wheels",
            )
            staging.rename(wheelhouse)
        _prune(parent, keep=wheelhouse)
        return wheelhouse


def _prune(parent: Path, keep: Path) -> None:
    """Keep the newest few wheelhouses: projects generated from them still resolve."""
    folders = sorted(
        (p for p in parent.iterdir() if p.is_dir() and p != keep),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in folders[KEEP_WHEELHOUSES - 1 :]:
        shutil.rmtree(old, ignore_errors=True)
