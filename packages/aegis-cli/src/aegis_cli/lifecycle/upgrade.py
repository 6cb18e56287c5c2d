"""`aegis upgrade NAME [--to V]`: move one aegis-* package in the lock, nothing else, then bring
its stubs along where that is safe.

The lock moves through `uv lock --upgrade-package` only. Stubs: the new version may ship
different ones (a package can carry its own stub template, see stubs.locate). A stub still as
the CLI wrote it is replaced; an edited one is never touched, the new version is written
beside it as `<file>.aegis-new` and reported. Same transaction and rollback as add/remove.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename
from packaging.version import InvalidVersion, Version

from aegis_cli.catalog import command, entry
from aegis_cli.errors import AegisError, UsageError
from aegis_cli.lifecycle.deps import uv_sync, uv_upgrade
from aegis_cli.lifecycle.engine import SHARED_FILES, Settings, Work
from aegis_cli.lifecycle.manifest import load
from aegis_cli.lifecycle.plan import present
from aegis_cli.lifecycle.project import (
    Project,
    locked_versions,
    read_pyproject,
    require_clean_git,
)
from aegis_cli.lifecycle.refresh import refresh_stubs
from aegis_cli.lifecycle.report import Outcome
from aegis_cli.lifecycle.transaction import transaction
from aegis_cli.selection import is_available

UPGRADE_STEPS = ("uv-lock", "uv-sync", "refresh-stubs", "manifest")
CORE = "aegis-core"


def upgrade(
    project: Project, name: str, version: str | None, settings: Settings, *, with_core: bool = False
) -> Outcome:
    """Upgrade one installed component or service; report old → new and what else moved.

    When the new version needs other aegis-* packages to move too (typically a newer
    aegis-core), that is refused, naming them, unless `with_core` says they may move."""
    manifest = load(project.root)
    have = present(manifest, read_pyproject(project)).get(name)
    if have is None or not have.in_dependencies:
        raise UsageError(f"{name} is not installed", hint=_how_to_add(name))
    package = canonicalize_name(have.entry.package)
    before = locked_versions(project)
    if settings.dry_run:
        return _rehearse(project, package, version, before, with_core=with_core)
    if settings.check_git:
        require_clean_git(project.root, force=settings.force, command="upgrade")
    with transaction(project.root) as tx:
        work = Work(project, tx, manifest)
        tx.protect(*SHARED_FILES)
        also = (CORE,) if with_core else ()
        try:
            work.uv(
                " ".join(["uv lock --upgrade-package", _target(package, version), *_flags(also)]),
                lambda: uv_upgrade(project.root, package, version, also),
            )
        except AegisError:
            if version is not None and not with_core:
                _explain_pinned_requirements(project, name, package, version, before)
            raise
        tx.checkpoint("uv-lock")
        after = locked_versions(project)
        if not with_core:
            _refuse_dragged_along(name, package, before, after)
        work.outcome = _lock_outcome(package, before, after, work.outcome.ran)
        if not with_core and version is None:
            work.outcome.notes += _held_back(project, name, package, after)
        if before == after:
            return work.outcome
        work.outcome.touch("uv.lock")
        tx.venv_touched = True
        work.uv("uv sync", lambda: uv_sync(project.root, frozen=True))
        tx.checkpoint("uv-sync")
        if have.record is not None:
            refresh_stubs(work, have.name, have.record)
        tx.checkpoint("refresh-stubs")
        if have.record is not None:
            work.save_manifest()
        tx.checkpoint("manifest")
    return work.outcome


def _how_to_add(name: str) -> str:
    """A command that works: the right verb for a service, or why there is none yet."""
    found = entry(name)
    if found is None or not is_available(found):
        listing = f"aegis {found.kind}s" if found else "aegis components"
        return f"{name} is not available in this aegis-cli yet (see `{listing}`)"
    return f"add it first: {command('add', found)}"


def _flags(also: tuple[str, ...]) -> list[str]:
    return [f"--upgrade-package {name}" for name in also]


def _explain_pinned_requirements(
    project: Project, name: str, package: str, version: str, before: dict[str, str]
) -> None:
    """`--to V` failed to lock: when V requires aegis-* versions the project does not lock,
    say which, and how to let them move (the caller re-raises uv's own error otherwise)."""
    from aegis_cli.lifecycle.published_templates import project_index
    from aegis_cli.offers import wheel_requirements, wheels

    index = project_index(project)
    if index is None:
        return
    try:
        wanted = (canonicalize_name(package), Version(version))
        found = [loc for file, loc in wheels(index) if parse_wheel_filename(file)[:2] == wanted]
        requires = [Requirement(r) for r in wheel_requirements(index, found[0])]
    except (AegisError, InvalidVersion, IndexError):
        return  # no index, no such wheel, or no answer: uv's own message stands
    unmet = [
        f"{r.name}{r.specifier} (the project locks {r.name} {before[r.name]})"
        for r in requires
        if r.name.startswith("aegis-") and r.name in before and before[r.name] not in r.specifier
    ]
    if unmet:
        raise AegisError(
            f"{package} {version} requires {'; '.join(unmet)}; nothing was changed",
            hint=f"to move them too: aegis upgrade {name} --to {version} --with-core",
        )


def _held_back(project: Project, name: str, package: str, after: dict[str, str]) -> list[str]:
    """A newer version on the index that the lock passed over because it needs more to move
    (typically a newer aegis-core): named, with the command that takes it."""
    from aegis_cli.lifecycle.published_templates import project_index
    from aegis_cli.offers import newest_wheel, wheel_requirements

    index = project_index(project)
    try:
        newest = newest_wheel(index, package) if index is not None else None
        if index is None or newest is None or newest[0] <= Version(after.get(package, "0")):
            return []
        needs = [r for r in wheel_requirements(index, newest[1]) if r.startswith("aegis-")]
    except AegisError:
        return []  # the lock already answered; a second look at the index is only a courtesy
    wanted = f" (it requires {', '.join(needs)})" if needs else ""
    return [
        f"{package} {newest[0]} is on the index but needs other aegis-* packages to move"
        f"{wanted}: aegis upgrade {name} --with-core"
    ]


def _dragged_along(package: str, before: dict[str, str], after: dict[str, str]) -> list[str]:
    """Other aegis-* packages the lock had to move for the new version."""
    return sorted(
        f"{n} {before.get(n, '-')} → {after.get(n, '-')}"
        for n in set(before) | set(after)
        if n != package and n.startswith("aegis-") and before.get(n) != after.get(n)
    )


def _refuse_dragged_along(
    name: str, package: str, before: dict[str, str], after: dict[str, str]
) -> None:
    dragged = _dragged_along(package, before, after)
    if dragged:
        raise AegisError(
            f"{package} {after.get(package, '?')} needs {', '.join(dragged)}; nothing was changed",
            hint=f"to move them too: aegis upgrade {name} --with-core",
        )


def _target(package: str, version: str | None) -> str:
    return f"{package}=={version}" if version else package


def _lock_outcome(
    package: str, before: dict[str, str], after: dict[str, str], ran: list[str]
) -> Outcome:
    """Old → new for the package, and every other line of the lock that moved (normally none)."""
    old, new = before.get(package, "?"), after.get(package, "?")
    if old == new:
        return Outcome(nothing=[f"{package} stays at {old}: nothing newer matches"], ran=ran)
    outcome = Outcome(title=f"{package} {old} → {new}", ran=ran)
    others = sorted(
        n for n in set(before) | set(after) if n != package and before.get(n) != after.get(n)
    )
    for other in others:
        outcome.notes.append(
            f"also moved: {other} {before.get(other, '-')} → {after.get(other, '-')}"
        )
    if not others:
        outcome.notes.append("No other package moved.")
    return outcome


def _rehearse(
    project: Project, package: str, version: str | None, before: dict[str, str], *, with_core: bool
) -> Outcome:
    """--dry-run: lock a copy of pyproject.toml + uv.lock in a scratch folder; the project is
    not written at all."""
    with tempfile.TemporaryDirectory(prefix="aegis-upgrade-") as scratch:
        for name in ("pyproject.toml", "uv.lock", "README.md"):
            if project.path(name).is_file():
                shutil.copy2(project.path(name), Path(scratch) / name)
        copy = Project(Path(scratch), project.slug, project.answers)
        uv_upgrade(copy.root, package, version, (CORE,) if with_core else ())
        after = locked_versions(copy)
    outcome = _lock_outcome(
        package, before, after, [f"uv lock --upgrade-package {_target(package, version)}"]
    )
    outcome.notes.append("Stubs are compared with the new version after it is installed.")
    if not with_core and _dragged_along(package, before, after):
        outcome.notes.append("This needs --with-core: other aegis-* packages would move.")
    return outcome
