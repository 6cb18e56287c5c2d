"""`aegis add` / `aegis remove` (and the -service twins): plan first, then one transaction.

add X = `uv add aegis-X` + `uv sync` + X's stubs rendered with copier (formatted by the
project's ruff) + an include line per compose file + a marked .env.example block + the
manifest entry. remove X undoes exactly that, deleting only what still has the recorded hash.
Steps are checkpoints of the transaction, so a failure after any of them leaves the project
byte-for-byte as it was. A dry run runs the same code against a no-effect transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from packaging.utils import canonicalize_name

from aegis_cli.errors import AegisError
from aegis_cli.lifecycle import blocks, env_files
from aegis_cli.lifecycle.blocks import COMPOSE_FILE
from aegis_cli.lifecycle.deps import uv_add, uv_remove, uv_sync
from aegis_cli.lifecycle.manifest import MANIFEST, Manifest, Record, file_state, load, sha256
from aegis_cli.lifecycle.plan import AddItem, RemoveItem, plan_add, plan_remove, present
from aegis_cli.lifecycle.project import (
    Project,
    aegis_pins,
    declares_aegis_index,
    open_project,
    read_pyproject,
    require_clean_git,
)
from aegis_cli.lifecycle.refresh import refresh_stubs
from aegis_cli.lifecycle.repair import refuse_unrecorded
from aegis_cli.lifecycle.report import Outcome
from aegis_cli.lifecycle.stubs import StubSet, removal_note, render, warm_up
from aegis_cli.lifecycle.transaction import Transaction, transaction
from aegis_cli.selection import Selected

SHARED_FILES = ("pyproject.toml", "uv.lock", COMPOSE_FILE, *blocks.PATHS, MANIFEST)
BLOCK_STEPS = ("compose-include", "env-block", "manifest")
ADD_STEPS = ("uv-add", "uv-sync", "render", "write-files", *BLOCK_STEPS)
REMOVE_STEPS = ("uv-remove", "uv-sync", "delete-files", *BLOCK_STEPS)


@dataclass(frozen=True)
class Settings:
    dry_run: bool = False
    force: bool = False
    check_git: bool = True


@dataclass
class Work:
    """One command's state while it runs: the transaction, the manifest, what happened."""

    project: Project
    tx: Transaction
    manifest: Manifest
    outcome: Outcome = field(default_factory=Outcome)

    def uv(self, label: str, action: Callable[[], None]) -> None:
        """Run a uv step (or only list it in a dry run)."""
        if not self.tx.dry:
            action()
        self.outcome.ran.append(label)

    def save_manifest(self) -> None:
        data = self.manifest.dumps()
        if data is None:
            self.tx.delete(MANIFEST)
        else:
            self.tx.write(MANIFEST, data)
        self.outcome.touch(MANIFEST)


def add(project: Project, requested: list[Selected], settings: Settings) -> Outcome:
    """Add what is missing of each requested entry (and of what it requires)."""
    manifest = load(project.root)
    pyproject = read_pyproject(project)
    pins = aegis_pins(pyproject)
    items = plan_add(requested, present(manifest, pyproject), pins)
    todo = [i for i in items if i.changes]
    nothing = [
        f"{i.selected.spec} is already installed; nothing to do" for i in items if not i.changes
    ]
    if not todo:
        return Outcome(nothing=nothing)
    refuse_unrecorded(project, manifest, [i.name for i in todo if i.add_stubs])
    if any(i.add_package for i in todo) and not declares_aegis_index(pyproject):
        raise AegisError(
            "pyproject.toml declares no [[tool.uv.index]] named 'aegis'; aegis-* packages would "
            "come from PyPI, where unrelated projects own those names",
            hint="restore the index table from a fresh `aegis init`",
        )
    if settings.check_git and not settings.dry_run:
        require_clean_git(project.root, force=settings.force, command="add")
    with transaction(project.root, dry_run=settings.dry_run) as tx:
        work = Work(
            project,
            tx,
            manifest,
            Outcome(
                title=_title("Would add" if settings.dry_run else "Added", todo), nothing=nothing
            ),
        )
        tx.protect(*SHARED_FILES)
        if any(i.add_stubs for i in todo):
            warm_up()
        _install(work, todo, pins)
        stubsets = {
            i.name: render(i.name, project, i.selected.options) for i in todo if i.add_stubs
        }
        tx.checkpoint("render")
        records = _write_stubs(work, todo, stubsets)
        tx.checkpoint("write-files")
        _add_includes(work, stubsets, records)
        tx.checkpoint("compose-include")
        _add_env_blocks(work, stubsets, records)
        _refresh_for_new_options(work, todo)
        tx.checkpoint("env-block")
        _record(work, todo, records)
        tx.checkpoint("manifest")
    return work.outcome


def _title(verb: str, items: list[AddItem]) -> str:
    names = [
        i.selected.spec
        + (f" (required by {i.selected.required_by})" if i.selected.required_by else "")
        for i in items
    ]
    return f"{verb} {', '.join(names)}"


def _install(work: Work, todo: list[AddItem], pins: set[str]) -> None:
    """`uv add` the missing packages, and any present one that lost its pin to the Aegis index
    (see deps.py: only `uv add --index aegis` can write a pin back), then `uv sync`."""
    packages = [i.selected.entry.package for i in todo if i.add_package]
    if packages:
        restore = any(canonicalize_name(p) not in pins for p in packages)
        flag = " --index aegis" if restore else ""
        work.uv(
            f"uv add{flag} {' '.join(packages)}",
            lambda: uv_add(work.project, packages, restore_pins=restore),
        )
    _sync_dependencies(work, changed=bool(packages), step="uv-add")


def _write_stubs(
    work: Work, todo: list[AddItem], stubsets: dict[str, StubSet]
) -> dict[str, Record]:
    """Write each stub that is not there yet; an existing file is the user's and stays."""
    records: dict[str, Record] = {}
    for item in todo:
        stubs = stubsets.get(item.name)
        if stubs is None:
            continue
        record = Record(
            kind=item.selected.entry.kind,
            package=item.selected.entry.package,
            options=list(item.selected.options),
            stubs_from=stubs.origin,
        )
        for relative, data in stubs.files.items():
            owner = work.manifest.owner(relative) or _owner_in(records, relative)
            if owner is not None:
                raise AegisError(f"{item.name} and {owner} both ship {relative}; report this bug")
            if (work.project.root / relative).exists():
                work.outcome.left.append(f"{relative} (exists; {item.name}'s stub not written)")
                continue
            work.tx.write(relative, data)
            record.files[relative] = sha256(data)
            work.outcome.added.append(relative)
        records[item.name] = record
    formatted = sum(1 for r in records.values() for f in r.files if f.endswith((".py", ".pyi")))
    if formatted:
        files = f"{formatted} file{'s' * (formatted > 1)}"
        work.outcome.ran.append(f"ruff check --fix + ruff format ({files})")
    return records


def _owner_in(records: dict[str, Record], relative: str) -> str | None:
    return next((name for name, r in records.items() if relative in r.files), None)


def _add_includes(work: Work, stubsets: dict[str, StubSet], records: dict[str, Record]) -> None:
    entries = [entry for stubs in stubsets.values() for entry in stubs.compose]
    if not entries:
        return
    text = work.tx.read(COMPOSE_FILE)
    if text is None:
        raise AegisError(f"{COMPOSE_FILE} is missing", hint="restore it from git or a fresh init")
    work.tx.write(COMPOSE_FILE, blocks.add_includes(text, entries).encode())
    for name, stubs in stubsets.items():
        records[name].compose = list(stubs.compose)
    work.outcome.touch(COMPOSE_FILE)


def _add_env_blocks(work: Work, stubsets: dict[str, StubSet], records: dict[str, Record]) -> None:
    for name, stubs in stubsets.items():
        env_files.add_blocks(work, name, stubs, records[name])


def _refresh_for_new_options(work: Work, todo: list[AddItem]) -> None:
    """`database` → `database[postgres]`: the stubs already there are rendered again with every
    option the component now has, and brought along the way an upgrade brings them (new files
    and compose includes written, an unchanged .env.example block replaced, edits kept)."""
    for item in todo:
        record = work.manifest.components.get(item.name)
        if item.add_stubs or not item.new_options or record is None:
            continue
        record.options = sorted({*record.options, *item.new_options})
        refresh_stubs(work, item.name, record)


def _record(work: Work, todo: list[AddItem], records: dict[str, Record]) -> None:
    """New records, and new options on existing ones (`scheduler` → `scheduler[sqlite]`)."""
    work.manifest.components.update(records)
    for item in todo:
        existing = work.manifest.components.get(item.name)
        if existing is not None and item.new_options:
            existing.options = sorted({*existing.options, *item.new_options})
    if records or any(i.new_options for i in todo):
        work.save_manifest()


def remove(project: Project, names: list[str], settings: Settings) -> Outcome:
    """Remove each named entry: its package, and its files where they are unchanged."""
    manifest = load(project.root)
    pyproject = read_pyproject(project)
    refuse_unrecorded(project, manifest, names)
    items, absent = plan_remove(names, present(manifest, pyproject))
    nothing = [f"{name} is not installed; nothing to remove" for name in absent]
    if not items:
        return Outcome(nothing=nothing)
    if settings.check_git and not settings.dry_run:
        require_clean_git(project.root, force=settings.force, command="remove")
    verb = "Would remove" if settings.dry_run else "Removed"
    title = f"{verb} {', '.join(i.present.spec for i in items)}"
    notes = [note for item in items if (note := removal_note(item.name, project))]
    with transaction(project.root, dry_run=settings.dry_run) as tx:
        work = Work(project, tx, manifest, Outcome(title=title, nothing=nothing, notes=notes))
        tx.protect(*SHARED_FILES)
        _uninstall(work, items)
        _delete_stubs(work, items)
        tx.checkpoint("delete-files")
        _remove_includes(work, items)
        tx.checkpoint("compose-include")
        _remove_env_blocks(work, items)
        tx.checkpoint("env-block")
        for item in items:
            manifest.components.pop(item.name, None)
        if any(i.present.record for i in items):
            work.save_manifest()
        tx.checkpoint("manifest")
    return work.outcome


def _uninstall(work: Work, items: list[RemoveItem]) -> None:
    packages = [i.present.entry.package for i in items if i.present.in_dependencies]
    if packages:
        work.uv(f"uv remove {' '.join(packages)}", lambda: uv_remove(work.project, packages))
        work.outcome.removed += [f"dependency {p}" for p in packages]
    _sync_dependencies(work, changed=bool(packages), step="uv-remove")


def _sync_dependencies(work: Work, *, changed: bool, step: str) -> None:
    """After `uv add`/`uv remove` (`step`): note the shared files uv rewrote and install the
    new lock; both steps are checkpoints a test can fail at."""
    if changed:
        work.outcome.touch("pyproject.toml")
        work.outcome.touch("uv.lock")
    work.tx.checkpoint(step)
    if changed:
        work.tx.venv_touched = True
        work.uv("uv sync", lambda: uv_sync(work.project.root, frozen=True))
    work.tx.checkpoint("uv-sync")


def _delete_stubs(work: Work, items: list[RemoveItem]) -> None:
    """Delete recorded files that still match; an edited one is the user's now and stays."""
    for item in items:
        record = item.present.record
        for relative, digest in sorted((record.files if record else {}).items()):
            state = file_state(work.project.root, relative, digest)
            if state == "unchanged":
                work.tx.delete(relative)
                work.outcome.removed.append(relative)
            elif state == "edited":
                work.outcome.kept.append(relative)


def _remove_includes(work: Work, items: list[RemoveItem]) -> None:
    entries = [c for i in items if i.present.record for c in i.present.record.compose]
    text = work.tx.read(COMPOSE_FILE)
    if not entries or text is None:
        return
    updated = blocks.remove_includes(text, entries)
    if updated != text:
        work.tx.write(COMPOSE_FILE, updated.encode())
        work.outcome.touch(COMPOSE_FILE)


def _remove_env_blocks(work: Work, items: list[RemoveItem]) -> None:
    for item in items:
        env_files.remove_blocks(work, item.name, item.present.record)


def add_to_fresh_project(target: Path, selected: list[Selected]) -> None:
    """`aegis init --components …`: exactly what `aegis add` does, minus the git check
    (the project has no git yet; init commits after)."""
    from aegis_cli.lifecycle.report import show

    outcome = add(open_project(target), selected, Settings(check_git=False))
    show(outcome)
