"""The project's dependencies change only through uv: `uv add`, `uv remove`, `uv lock`, `uv sync`.

About the pin to the Aegis index (checked with uv 0.13.9, see tests/test_lifecycle_pins.py):
- A fresh project pins every aegis-* name (`[tool.uv.sources] aegis-x = { index = "aegis" }`);
  a plain `uv add aegis-x` keeps that pin and touches nothing else in pyproject.toml.
- `uv remove aegis-x` also drops the pin, and uv has no way to add a source without a
  dependency. So after a remove the name is unpinned; it stays safe meanwhile because the
  Aegis index is listed first and is not `explicit` (first-index strategy: a name the index
  holds is never looked up on PyPI).
- `uv add aegis-x --index aegis` (the declared flat index, by name) writes the pin back.
  It also re-writes the index table, moving `[tool.hatch…]` below it: harmless, but noise, so
  `add` passes `--index aegis` only when a pin is missing.
"""

from __future__ import annotations

from pathlib import Path

from aegis_cli.lifecycle.project import AEGIS_INDEX_NAME
from aegis_cli.runner import run


def _uv(root: Path, args: list[str], what: str, *, quiet_progress: bool = False) -> str:
    from aegis_cli.console import progress

    command = ["uv", *args]
    if quiet_progress:
        return run(command, cwd=root, what=what).stderr
    with progress(f"{' '.join(command)}…"):
        return run(command, cwd=root, what=what).stderr


def uv_add(root: Path, packages: list[str], *, restore_pins: bool) -> None:
    """Add dependencies (lock only; `uv_sync` installs), pinning them when a pin is missing."""
    pin = ["--index", AEGIS_INDEX_NAME] if restore_pins else []
    _uv(root, ["add", "--no-sync", *pin, *packages], f"add {', '.join(packages)}")


def uv_remove(root: Path, packages: list[str]) -> None:
    _uv(root, ["remove", "--no-sync", *packages], f"remove {', '.join(packages)}")


def uv_sync(root: Path, *, frozen: bool = False, quiet_progress: bool = False) -> None:
    """Install exactly what the lock says (`--frozen`: never re-lock, used by rollbacks)."""
    args = ["sync", "--frozen"] if frozen else ["sync"]
    _uv(root, args, "install the project's dependencies", quiet_progress=quiet_progress)


def uv_upgrade(root: Path, package: str, version: str | None) -> None:
    """Move one package in the lock and nothing else."""
    target = f"{package}=={version}" if version else package
    _uv(root, ["lock", "--upgrade-package", target], f"upgrade {target}")
