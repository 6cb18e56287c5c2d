"""`aegis status`: what the project has, at which version, and where it drifted.

Drift is any disagreement between the dependencies (truth for what is installed) and what the
CLI wrote (the manifest): a package without its stubs (a plain `uv add aegis-x`), stubs
without their package (a plain `uv remove`), a package that lost its pin to the Aegis index,
stubs edited or deleted by the user, a compose include that went missing. Each comes with the
command that fixes it, or says why nothing needs fixing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from packaging.utils import canonicalize_name

from aegis_cli.catalog import catalog, command
from aegis_cli.lifecycle import blocks
from aegis_cli.lifecycle.confine import REPAIR
from aegis_cli.lifecycle.manifest import MANIFEST, file_state, load
from aegis_cli.lifecycle.plan import Present, present
from aegis_cli.lifecycle.project import Project, aegis_pins, locked_versions, read_pyproject
from aegis_cli.lifecycle.repair import unrecorded


@dataclass
class Drift:
    name: str
    kind: str
    detail: str
    fix: str


@dataclass
class Item:
    name: str
    kind: str
    package: str
    version: str | None
    options: list[str]
    dependency: bool
    stubs: dict[str, str] = field(default_factory=dict)
    """Recorded file → unchanged / edited / missing."""


@dataclass
class Status:
    project: str
    template_version: str
    installed: list[Item]
    drift: list[Drift]

    @property
    def clean(self) -> bool:
        return not self.drift

    def to_data(self) -> dict[str, object]:
        return {**asdict(self), "clean": self.clean}


def collect(project: Project) -> Status:
    """Read dependencies, lock, manifest and files; change nothing."""
    manifest = load(project.root)
    pyproject = read_pyproject(project)
    versions = locked_versions(project)
    pins = aegis_pins(pyproject)
    compose_text = _read(project, blocks.COMPOSE_FILE)
    items, drift = [], []
    have_all = present(manifest, pyproject)
    lost = unrecorded(project, manifest, [e.name for e in catalog()])
    for have in have_all.values():
        item = _item(project, have, versions)
        items.append(item)
        drift += _drift(have, item, pins, compose_text, lost=have.name in lost)
    drift += [_lost(e.name) for e in catalog() if e.name in lost and e.name not in have_all]
    version = str(project.answers.get("template_version", "?"))
    return Status(project.slug, version, items, drift)


def _read(project: Project, relative: str) -> str | None:
    path = project.path(relative)
    return path.read_text() if path.is_file() else None


def _item(project: Project, have: Present, versions: dict[str, str]) -> Item:
    package = have.entry.package
    record = have.record
    stubs: dict[str, str] = {
        relative: file_state(project.root, relative, digest)
        for relative, digest in sorted((record.files if record else {}).items())
    }
    version = versions.get(canonicalize_name(package)) if have.in_dependencies else None
    return Item(
        have.name,
        have.entry.kind,
        package,
        version,
        list(have.options),
        have.in_dependencies,
        stubs,
    )


def _add(have: Present) -> str:
    return command("add", have.entry, have.spec)


def _remove(have: Present) -> str:
    return command("remove", have.entry)


def _lost(name: str) -> Drift:
    """Stubs in the project that the manifest does not record (it was deleted or damaged)."""
    detail = f"its stubs are here but {MANIFEST} does not record them"
    return Drift(name, "unrecorded-stubs", detail, REPAIR)


def _drift(
    have: Present, item: Item, pins: set[str], compose_text: str | None, *, lost: bool
) -> list[Drift]:
    """Every disagreement for one entry, each with its fix."""
    found: list[Drift] = []
    name, package = have.name, have.entry.package

    def report(kind: str, detail: str, fix: str) -> None:
        found.append(Drift(name, kind, detail, fix))

    if lost:
        found.append(_lost(name))
    elif have.in_dependencies and have.record is None:
        report(
            "package-without-stubs",
            f"{package} is a dependency; its stubs are not here",
            _add(have),
        )
    if have.record is not None and not have.in_dependencies:
        fix = f"{_add(have)} (or {_remove(have)})"
        report("stubs-without-package", f"stubs are here but {package} is not a dependency", fix)
    if have.in_dependencies and canonicalize_name(package) not in pins:
        report(
            "unpinned",
            f"{package} is not pinned to the Aegis index in [tool.uv.sources]",
            _add(have),
        )
    for relative, state in item.stubs.items():
        if state == "edited":
            report(
                "edited-stub",
                f"{relative} was changed by you",
                "none needed: it is never overwritten",
            )
        elif state == "missing":
            report(
                "missing-stub",
                f"{relative} was deleted",
                f"git checkout -- {relative}, or leave it",
            )
    current = _includes(compose_text) if compose_text is not None else None
    for entry in have.record.compose if have.record and current is not None else []:
        if entry not in (current or []):
            fix = (
                f"put {entry} back in the `path:` list of {blocks.APP_COMPOSE}'s include"
                if blocks.is_app_override(entry)
                else f"put `- {entry}` back between the aegis markers"
            )
            report("missing-include", f"{blocks.COMPOSE_FILE} no longer includes {entry}", fix)
    return found


def _includes(text: str) -> list[str] | None:
    from aegis_cli.errors import AegisError

    try:
        return blocks.compose_includes(text)
    except AegisError:
        return None


def show(status: Status) -> None:
    """A table of what is installed, then the drift with fixes."""
    from rich.markup import escape
    from rich.table import Table

    from aegis_cli.console import console

    console.print(f"[bold]{status.project}[/] (project template {status.template_version})")
    if not status.installed:
        console.print("No components or services yet: `aegis components` lists what you can add.")
    else:
        table = Table(box=None, padding=(0, 2))
        for column in ("name", "kind", "package", "version", "stubs"):
            table.add_column(column)
        for item in status.installed:
            spec = f"{item.name}[{','.join(item.options)}]" if item.options else item.name
            version = item.version or "[red]not a dependency[/]"
            table.add_row(escape(spec), item.kind, item.package, version, _stub_summary(item))
        console.print(table)
    if status.clean:
        console.print("[green]No drift:[/] dependencies and stubs agree.")
        return
    console.print("[yellow]Drift:[/]")
    for drift in status.drift:
        console.print(f"  - {drift.name}: {escape(drift.detail)}\n    fix: {escape(drift.fix)}")


def _stub_summary(item: Item) -> str:
    if not item.stubs:
        return "[yellow]none[/]" if item.dependency else "-"
    counts = {s: list(item.stubs.values()).count(s) for s in ("edited", "missing")}
    extra = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    return f"{len(item.stubs)} files" + (f" ({extra})" if extra else "")
