"""Bring a component's recorded stubs to what its installed version ships, never over a
user's edit: an unchanged stub is replaced, an edited one gets the new version beside it as
`<file>.aegis-new`, a stub no longer shipped is deleted only when unchanged, and compose
includes and the env-file blocks follow the same rule.

Used by `aegis upgrade` (a new version) and by `aegis add` of a new option on an installed
component (`database` → `database[postgres]`), inside their transaction (`Work`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aegis_cli.lifecycle import blocks, env_files
from aegis_cli.lifecycle.blocks import COMPOSE_FILE
from aegis_cli.lifecycle.manifest import Record, file_state, sha256
from aegis_cli.lifecycle.stubs import StubSet, render

if TYPE_CHECKING:
    from aegis_cli.lifecycle.engine import Work

NEW_SUFFIX = ".aegis-new"


def refresh_stubs(work: Work, name: str, record: Record) -> None:
    """Bring recorded stubs to what the installed version ships for the recorded options,
    never over a user's edit."""
    stubs = render(name, work.project, record.options)
    for relative, data in stubs.files.items():
        if record.files.get(relative) != sha256(data):
            _refresh_file(work, record, relative, data)
    for relative in sorted(set(record.files) - set(stubs.files)):
        if not relative.endswith(NEW_SUFFIX):
            _drop_file(work, record, relative)
    _refresh_includes(work, record, stubs)
    env_files.refresh_blocks(work, name, record, stubs)
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
