"""When `.aegis/manifest.json` is gone or damaged: notice it, refuse, and rebuild it on request.

Without its record, `remove` cannot tell the stubs it wrote from the user's files, so it would
leave them all behind (and `add` would write a record that misses them). `unrecorded` finds
components whose traces are in the project (their compose include, .env.example block or
make/<name>.mk) but not in the manifest; the commands refuse and name `aegis status
--repair`. The repair renders each such component's stubs from its template: a file that
matches is recorded as the CLI's (remove deletes it), a differing one with the template's hash
(so it counts as edited by the user and remove keeps it).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from aegis_cli.catalog import CatalogEntry, catalog
from aegis_cli.errors import AegisError
from aegis_cli.lifecycle import blocks, env_files
from aegis_cli.lifecycle.confine import REPAIR, confined
from aegis_cli.lifecycle.manifest import MANIFEST, Manifest, Record, load, sha256
from aegis_cli.lifecycle.project import Project
from aegis_cli.lifecycle.report import Outcome
from aegis_cli.lifecycle.stubs import StubSet, render
from aegis_cli.lifecycle.transaction import transaction
from aegis_cli.selection import is_available


def unrecorded(project: Project, manifest: Manifest, names: Iterable[str]) -> list[str]:
    """Those of `names` whose stubs are in the project while the manifest has no record."""
    known = {e.name: e for e in catalog()}
    return [
        name
        for name in names
        if name not in manifest.components
        and name in known
        and is_available(known[name])
        and _has_traces(project, known[name])
    ]


def refuse_unrecorded(project: Project, manifest: Manifest, names: Iterable[str]) -> None:
    """One line naming the repair, before anything is changed."""
    missing = unrecorded(project, manifest, names)
    if not missing:
        return
    state = "is missing" if not project.path(MANIFEST).is_file() else "does not record them"
    raise AegisError(
        f"the stubs of {', '.join(missing)} are in the project but {MANIFEST} {state}, so aegis "
        "cannot tell its files from yours; nothing was changed",
        hint=f"rebuild the record with `{REPAIR}`, then run this command again",
    )


def _has_traces(project: Project, entry: CatalogEntry) -> bool:
    """Files only `aegis add` writes under the component's own name: its compose include, its
    .env.example block, its make/<name>.mk. (A stub with a generic path, such as a service
    module, may just as well be the user's own file.)"""
    compose = _read(project, blocks.COMPOSE_FILE)
    if compose is not None and f"compose/{entry.name}.yml" in _includes(compose):
        return True
    if env_files.has_block(_env_texts(project), entry.name):
        return True
    return project.path(f"make/{entry.name}.mk").is_file()


def _read(project: Project, relative: str) -> str | None:
    path = project.path(relative)
    return path.read_text() if path.is_file() else None


def _includes(text: str) -> list[str]:
    try:
        return blocks.compose_includes(text)
    except AegisError:
        return []


def repair(project: Project) -> Outcome:
    """Rebuild the record of every component whose stubs are here but unrecorded."""
    try:
        manifest = load(project.root)
        fresh = False
    except AegisError:  # damaged or hostile: start over from what is on disk
        manifest, fresh = Manifest(), True
    names = unrecorded(project, manifest, (e.name for e in catalog()))
    if not names and not fresh:
        return Outcome(nothing=[f"{MANIFEST} records every component here; nothing to repair"])
    outcome = Outcome(title=f"Rebuilt {MANIFEST}" + (f" for {', '.join(names)}" if names else ""))
    for name in names:
        manifest.components[name] = _rebuild(project, name, outcome)
    data = manifest.dumps()
    with transaction(project.root) as tx:
        if data is None:
            tx.delete(MANIFEST)
        else:
            tx.write(MANIFEST, data)
    outcome.touch(MANIFEST)
    return outcome


def _rebuild(project: Project, name: str, outcome: Outcome) -> Record:
    entry = next(e for e in catalog() if e.name == name)
    plain = render(name, project)
    options = _chosen_options(project, entry, plain)
    stubs = render(name, project, options) if options else plain
    record = Record(
        kind=entry.kind, package=entry.package, options=options, stubs_from=stubs.origin
    )
    if options:
        outcome.notes.append(f"{name}: options {', '.join(options)} (their stubs are here)")
    for relative, data in sorted(stubs.files.items()):
        path = confined(project.root, relative, source=f"the stub template of {name}")
        if not path.is_file():
            continue
        record.files[relative] = sha256(data)
        if _same(path, data):
            outcome.notes.append(f"{relative}: as aegis writes it (remove deletes it)")
        else:
            outcome.kept.append(f"{relative} (recorded as yours: remove keeps it)")
    compose = _read(project, blocks.COMPOSE_FILE)
    current = _includes(compose) if compose is not None else []
    record.compose = [e for e in stubs.compose if e in current and e in record.files]
    env_files.rebuild_record(_env_texts(project), name, stubs, record)
    return record


def _env_texts(project: Project) -> dict[str, str | None]:
    return {path: _read(project, path) for path in blocks.PATHS}


def _chosen_options(project: Project, entry: CatalogEntry, plain: StubSet) -> list[str]:
    """The bracket options (`database[postgres]`) whose own stubs are in the project: a file
    or an env block only that option renders. The manifest was their only other record."""
    texts = _env_texts(project)
    chosen = []
    for option in sorted(entry.options):
        with_it = render(entry.name, project, [option])
        files = set(with_it.files) - set(plain.files)
        blocks_of_option = {
            path: body for path, body in with_it.env.items() if body != plain.env.get(path, "")
        }
        if any(project.path(f).is_file() for f in files) or any(
            (text := texts.get(path)) is not None
            and blocks.find_env_block(text, entry.name) == blocks.env_block(entry.name, body)
            for path, body in blocks_of_option.items()
        ):
            chosen.append(option)
    return chosen


def _same(path: Path, data: bytes) -> bool:
    return path.read_bytes() == data
