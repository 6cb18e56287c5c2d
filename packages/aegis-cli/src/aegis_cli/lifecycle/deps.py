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

Resolving goes to uv's cache first (`--offline`): most packages a project needs are there
already, and asking two indexes about ~70 packages costs seconds. The network is used when the
cache cannot answer, or when the cache's answer holds an aegis-* version older than the Aegis
index offers now (a cached index page may predate a release): those packages are then locked
again with their pages fetched afresh. So a command never installs an older aegis-* than it
would have without the cache.
"""

from __future__ import annotations

from pathlib import Path

from packaging.version import InvalidVersion, Version

from aegis_cli.errors import AegisError
from aegis_cli.lifecycle.project import AEGIS_INDEX_NAME, Project, locked_versions
from aegis_cli.runner import run, succeeds


def _uv(root: Path, args: list[str], what: str, *, quiet_progress: bool = False) -> str:
    from aegis_cli.console import progress

    command = ["uv", *args]
    if quiet_progress:
        return run(command, cwd=root, what=what).stderr
    with progress(f"{' '.join(command)}…"):
        return run(command, cwd=root, what=what).stderr


def uv_add(project: Project, packages: list[str], *, restore_pins: bool) -> None:
    """Add dependencies (lock only; `uv_sync` installs), pinning them when a pin is missing."""
    pin = ["--index", AEGIS_INDEX_NAME] if restore_pins else []
    args = ["add", "--no-sync", *pin, *packages]
    _resolve_cache_first(project, args, f"add {', '.join(packages)}")


def uv_remove(project: Project, packages: list[str]) -> None:
    args = ["remove", "--no-sync", *packages]
    _resolve_cache_first(project, args, f"remove {', '.join(packages)}")


def uv_lock(project: Project) -> None:
    """Lock a project that has no lock yet (a new project)."""
    _resolve_cache_first(project, ["lock"], "resolve the project's dependencies")


def uv_sync(root: Path, *, frozen: bool = False, quiet_progress: bool = False) -> None:
    """Install what the lock says. `frozen`: the lock is known to be current (we just wrote it,
    or a rollback restored it), so uv neither checks nor rewrites it."""
    args = ["sync", "--frozen"] if frozen else ["sync"]
    _uv(root, args, "install the project's dependencies", quiet_progress=quiet_progress)


def uv_upgrade(root: Path, package: str, version: str | None, also: tuple[str, ...] = ()) -> None:
    """Move one package in the lock (and those in `also`, when asked) and nothing else.

    Their index pages are fetched afresh: a cached page (index servers often say nothing about
    caching, and uv then keeps a page for a while) would hide a version published minutes ago.
    """
    target = f"{package}=={version}" if version else package
    args = ["lock", "--upgrade-package", target, "--refresh-package", package]
    for name in also:
        args += ["--upgrade-package", name, "--refresh-package", name]
    _uv(root, args, f"upgrade {target}")


def _resolve_cache_first(project: Project, args: list[str], what: str) -> None:
    """Run a resolving uv command from the cache; go online only when needed (module docstring)."""
    from aegis_cli.console import progress

    root = project.root
    with progress(f"uv {' '.join(args)}…"):
        if not succeeds(["uv", *args, "--offline", "--quiet"], cwd=root, what=what):
            run(["uv", *args], cwd=root, what=what)  # the cache could not answer: go online
            return
        stale = older_than_offered(project)
        if stale:
            again = [
                f for name in stale for f in ("--upgrade-package", name, "--refresh-package", name)
            ]
            run(["uv", "lock", *again], cwd=root, what=what)


def older_than_offered(project: Project) -> list[str]:
    """aegis-* packages the lock holds at a lower version than the project's Aegis index offers.

    An unreachable or damaged index leaves the offline answer standing: going online could not
    have done better.
    """
    from aegis_cli.lifecycle.published_templates import project_index
    from aegis_cli.offers import newest_wheel

    index = project_index(project)
    if index is None:
        return []
    stale = []
    for name, locked in sorted(locked_versions(project).items()):
        if not name.startswith("aegis-"):
            continue
        try:
            newest = newest_wheel(index, name)
            if newest is not None and newest[0] > Version(locked):
                stale.append(name)
        except (AegisError, InvalidVersion):
            continue
    return stale
