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

from packaging.utils import canonicalize_name

from aegis_cli.errors import UsageError
from aegis_cli.lifecycle import blocks
from aegis_cli.lifecycle.blocks import COMPOSE_FILE, ENV_FILE
from aegis_cli.lifecycle.deps import uv_sync, uv_upgrade
from aegis_cli.lifecycle.engine import SHARED_FILES, Settings, Work
from aegis_cli.lifecycle.manifest import Record, file_state, load, sha256
from aegis_cli.lifecycle.plan import Present, present
from aegis_cli.lifecycle.project import (
    Project,
    locked_versions,
    read_pyproject,
    require_clean_git,
)
from aegis_cli.lifecycle.report import Outcome
from aegis_cli.lifecycle.stubs import StubSet, render
from aegis_cli.lifecycle.transaction import transaction

UPGRADE_STEPS = ("uv-lock", "uv-sync", "refresh-stubs", "manifest")
NEW_SUFFIX = ".aegis-new"


def upgrade(project: Project, name: str, version: str | None, settings: Settings) -> Outcome:
    """Upgrade one installed component or service; report old → new and what else moved."""
    manifest = load(project.root)
    have = present(manifest, read_pyproject(project)).get(name)
    if have is None or not have.in_dependencies:
        raise UsageError(f"{name} is not installed", hint=f"add it first: aegis add {name}")
    package = canonicalize_name(have.entry.package)
    before = locked_versions(project)
    if settings.dry_run:
        return _rehearse(project, package, version, before)
    if settings.check_git:
        require_clean_git(project.root, force=settings.force, command="upgrade")
    with transaction(project.root) as tx:
        work = Work(project, tx, manifest)
        tx.protect(*SHARED_FILES)
        work.uv(
            f"uv lock --upgrade-package {_target(package, version)}",
            lambda: uv_upgrade(project.root, package, version),
        )
        tx.checkpoint("uv-lock")
        after = locked_versions(project)
        work.outcome = _lock_outcome(package, before, after, work.outcome.ran)
        if before == after:
            return work.outcome
        work.outcome.touch("uv.lock")
        tx.venv_touched = True
        work.uv("uv sync", lambda: uv_sync(project.root))
        tx.checkpoint("uv-sync")
        if have.record is not None:
            _refresh(work, have, have.record)
        tx.checkpoint("refresh-stubs")
        if have.record is not None:
            work.save_manifest()
        tx.checkpoint("manifest")
    return work.outcome


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
    project: Project, package: str, version: str | None, before: dict[str, str]
) -> Outcome:
    """--dry-run: lock a copy of pyproject.toml + uv.lock in a scratch folder; the project is
    not written at all."""
    with tempfile.TemporaryDirectory(prefix="aegis-upgrade-") as scratch:
        for name in ("pyproject.toml", "uv.lock", "README.md"):
            if project.path(name).is_file():
                shutil.copy2(project.path(name), Path(scratch) / name)
        copy = Project(Path(scratch), project.slug, project.answers)
        uv_upgrade(copy.root, package, version)
        after = locked_versions(copy)
    outcome = _lock_outcome(
        package, before, after, [f"uv lock --upgrade-package {_target(package, version)}"]
    )
    outcome.notes.append("Stubs are compared with the new version after it is installed.")
    return outcome


def _refresh(work: Work, have: Present, record: Record) -> None:
    """Bring recorded stubs to what the installed version ships, never over a user's edit."""
    stubs = render(have.name, work.project)
    for relative, data in stubs.files.items():
        if record.files.get(relative) != sha256(data):
            _refresh_file(work, record, relative, data)
    for relative in sorted(set(record.files) - set(stubs.files)):
        if not relative.endswith(NEW_SUFFIX):
            _drop_file(work, record, relative)
    _refresh_includes(work, record, stubs)
    _refresh_env(work, have.name, record, stubs)
    record.stubs_from = stubs.origin


def _refresh_file(work: Work, record: Record, relative: str, data: bytes) -> None:
    root = work.project.root
    recorded = record.files.get(relative)
    state = "missing" if recorded is None else file_state(root, relative, recorded)
    if recorded is None and (root / relative).exists():
        work.outcome.left.append(f"{relative} (exists; the new stub was not written)")
    elif state == "edited":
        beside = relative + NEW_SUFFIX
        previous = record.files.get(beside)
        if (root / beside).exists() and (
            previous is None or file_state(root, beside, previous) != "unchanged"
        ):
            work.outcome.left.append(f"{beside} (yours; the newer stub was not written)")
            return
        work.tx.write(beside, data)
        record.files[beside] = sha256(data)
        work.outcome.kept.append(f"{relative} (the new version's stub is beside it: {beside})")
    elif state == "missing" and recorded is not None:
        work.outcome.notes.append(f"{relative} was deleted by you; the new version was not written")
    else:
        work.tx.write(relative, data)
        record.files[relative] = sha256(data)
        (work.outcome.added if recorded is None else work.outcome.updated).append(relative)


def _drop_file(work: Work, record: Record, relative: str) -> None:
    """The new version no longer ships this stub: delete it if unchanged, else it is yours."""
    state = file_state(work.project.root, relative, record.files.pop(relative))
    if state == "unchanged":
        work.tx.delete(relative)
        work.outcome.removed.append(relative)
    elif state == "edited":
        work.outcome.kept.append(f"{relative} (no longer a stub of the new version; yours now)")


def _refresh_includes(work: Work, record: Record, stubs: StubSet) -> None:
    gone = [e for e in record.compose if e not in stubs.compose]
    new = [e for e in stubs.compose if e not in record.compose and e in record.files]
    text = work.tx.read(COMPOSE_FILE)
    if text is None or not (gone or new):
        return
    work.tx.write(
        COMPOSE_FILE, blocks.add_includes(blocks.remove_includes(text, gone), new).encode()
    )
    record.compose = [e for e in record.compose if e not in gone] + new
    work.outcome.touch(COMPOSE_FILE)


def _refresh_env(work: Work, name: str, record: Record, stubs: StubSet) -> None:
    """Replace the .env.example block when it is unchanged and the new one differs."""
    wanted = sha256(blocks.env_block(name, stubs.env)) if stubs.env.strip() else None
    text = work.tx.read(ENV_FILE) or ""
    block = blocks.find_env_block(text, name)
    if wanted == record.env_block:
        return
    if block is None and record.env_block is not None:
        work.outcome.notes.append(f"the {ENV_FILE} block aegis:{name} was removed by you; kept so")
        return
    if block is not None and sha256(block) != record.env_block:
        work.outcome.kept.append(f"{ENV_FILE} block aegis:{name} (the new settings are not merged)")
        return
    updated = blocks.add_env_block(blocks.remove_env_block(text, name), name, stubs.env)
    work.tx.write(ENV_FILE, updated.encode())
    record.env_block = wanted
    work.outcome.touch(ENV_FILE)
