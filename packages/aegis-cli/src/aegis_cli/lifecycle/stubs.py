"""A component's stubs, rendered with copier into a scratch folder and formatted like the project.

Rendering never writes into the project: the engine decides what to write from the result.
Which template: the one the installed package ships (`aegis_<name>/stubs/`, so stubs move with
the package API), else the one bundled with aegis-cli (`templates/<name>`).
`AEGIS_STUB_TEMPLATES=<dir>` puts `<dir>/<name>` first: a test-only switch for fixture templates.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.metadata import version as dist_version
from pathlib import Path, PurePosixPath
from typing import Any

from aegis_cli.errors import AegisError
from aegis_cli.lifecycle.blocks import COMPOSE_FILE, ENV_FILES, PATHS
from aegis_cli.lifecycle.manifest import MANIFEST
from aegis_cli.lifecycle.project import ANSWERS, Project
from aegis_cli.paths import templates_dir

STUB_TEMPLATES_ENV = "AEGIS_STUB_TEMPLATES"
REMOVAL_NOTE = "removal-note.txt"
"""In a stub template: what stays behind when the component is removed (its tables, its data),
printed by `aegis remove`; aegis-cli itself knows nothing of any component's leftovers."""
SHARED = frozenset({"pyproject.toml", "uv.lock", COMPOSE_FILE, *PATHS, ANSWERS, MANIFEST})
FORMATTED_SUFFIXES = (".py", ".pyi")
RUFF_CONFIGS = frozenset({"pyproject.toml", "ruff.toml", ".ruff.toml"})
MIRROR_SKIP = frozenset(
    {".venv", ".git", ".aegis", "node_modules", "__pycache__", ".mypy_cache", ".ruff_cache"}
)


@dataclass(frozen=True)
class StubSet:
    name: str
    origin: str
    """Where the stubs came from, e.g. `aegis-cli 0.1.0` or `aegis-scheduler 0.2.0`."""
    files: dict[str, bytes]
    """Project-relative POSIX path → final bytes (already formatted)."""
    env: dict[str, str]
    """Env file (`.env.example`, `compose/stack.env`) → the component's lines for it."""

    @property
    def compose(self) -> list[str]:
        """Compose files to pull in through docker-compose.yml `include:`."""
        return sorted(p for p in self.files if p.startswith("compose/") and p.endswith(".yml"))


def warm_up() -> None:
    """Import copier (about a second) in a thread while uv resolves, so it costs no wall time.

    Not a daemon thread: the interpreter waits for the import rather than kill it halfway.
    """
    import threading
    from importlib import import_module

    threading.Thread(target=import_module, args=("copier",), name="import-copier").start()


def locate(name: str, project: Project) -> tuple[Path, str]:
    """The stub template of `name` for this project and a label saying where it came from."""
    import os

    override = os.environ.get(STUB_TEMPLATES_ENV)
    if override and (Path(override) / name / "copier.yml").is_file():
        return Path(override) / name, f"{STUB_TEMPLATES_ENV} {name}"
    shipped = _shipped_by_package(name, project.root) or _published_on_index(name, project)
    if shipped is not None:
        return shipped
    bundled = templates_dir() / name
    if not (bundled / "copier.yml").is_file():
        raise AegisError(f"this aegis-cli has no stub template for {name!r}")
    return bundled, f"aegis-cli {dist_version('aegis-cli')}"


def removal_note(name: str, project: Project) -> str:
    """The template's `removal-note.txt` as one line ('' when it has none).

    Read before the package is uninstalled, from the installed template (else the bundled one),
    never from the index: removing works offline."""
    override = os.environ.get(STUB_TEMPLATES_ENV)
    candidates = [Path(override) / name] if override else []
    shipped = _shipped_by_package(name, project.root)
    candidates += [shipped[0]] if shipped else []
    candidates.append(templates_dir() / name)
    for template in candidates:
        if (template / "copier.yml").is_file():
            note = template / REMOVAL_NOTE
            return " ".join(note.read_text().split()) if note.is_file() else ""
    return ""


def _shipped_by_package(name: str, root: Path) -> tuple[Path, str] | None:
    """`aegis_<name>/stubs/` inside the project's venv, labelled with the installed version."""
    module = f"aegis_{name.replace('-', '_')}"
    for site in (*root.glob(".venv/lib/python*/site-packages"), root / ".venv/Lib/site-packages"):
        template = site / module / "stubs"
        if (template / "copier.yml").is_file():
            infos = sorted(site.glob(f"{module}-*.dist-info"))
            installed = infos[-1].name.removesuffix(".dist-info").split("-")[-1] if infos else "?"
            return template, f"aegis-{name} {installed}"
    return None


def _published_on_index(name: str, project: Project) -> tuple[Path, str] | None:
    """Before the package is installed (a dry run, the plan shown before asking): the stub
    template inside its newest wheel on the project's index, unpacked to a scratch folder."""
    import atexit
    import shutil
    import zipfile
    from io import BytesIO

    from aegis_cli.lifecycle.published_templates import project_index
    from aegis_cli.offers import newest_wheel, read_wheel

    index = project_index(project)
    found = newest_wheel(index, f"aegis-{name}") if index is not None else None
    if index is None or found is None:
        return None
    prefix = f"aegis_{name.replace('-', '_')}/stubs/"
    scratch = Path(tempfile.mkdtemp(prefix=f"aegis-{name}-stubs-"))
    atexit.register(shutil.rmtree, scratch, ignore_errors=True)
    with zipfile.ZipFile(BytesIO(read_wheel(index, found[1]))) as archive:
        for member in archive.namelist():
            relative = PurePosixPath(member[len(prefix) :])
            if not member.startswith(prefix) or ".." in relative.parts or member.endswith("/"):
                continue
            target = scratch.joinpath(*relative.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.read(member))
    if not (scratch / "copier.yml").is_file():
        return None
    return scratch, f"aegis-{name} {found[0]}"


def render(name: str, project: Project, options: Sequence[str] = ()) -> StubSet:
    """Render the stubs of `name` for `project` in a scratch folder; nothing is written here.

    `options` are the bracket options chosen for it (`database[postgres]`), given to the
    template as `options` (a sorted list): a template may ship files only for an option, e.g.
    a compose service. aegis-cli knows nothing of what an option means to a component."""
    template, origin = locate(name, project)
    with tempfile.TemporaryDirectory(prefix=f"aegis-{name}-") as scratch:
        answers = _copier_copy(template, Path(scratch), project.slug, sorted(set(options)))
        files = _collect(Path(scratch), name)
    env = {
        target.path: _render_text(source.read_text(), answers, source)
        for target in ENV_FILES
        if (source := template / target.template).is_file()
    }
    return StubSet(name, origin, format_python(project.root, files), env)


def _copier_copy(
    template: Path, destination: Path, slug: str, options: list[str]
) -> dict[str, Any]:
    """copier copy with the project's slug and options; returns the answers it used (for
    env.example, which may depend on the options too)."""
    from copier import run_copy
    from copier.errors import CopierError

    try:
        worker = run_copy(
            str(template),
            str(destination),
            data={"project_slug": slug, "options": options},
            defaults=True,
            quiet=True,
            unsafe=False,
            overwrite=True,
        )
    except CopierError as exc:
        raise AegisError(f"could not render the stub template {template}: {exc}") from None
    answers = {
        key: value
        for key, value in worker.answers.combined.items()
        if isinstance(key, str) and not key.startswith("_") and isinstance(value, str | int | bool)
    }
    return {**answers, "options": options}


def _collect(scratch: Path, name: str) -> dict[str, bytes]:
    """Rendered files by project path; a template may not claim a shared file."""
    files = {}
    for path in sorted(p for p in scratch.rglob("*") if p.is_file()):
        relative = PurePosixPath(path.relative_to(scratch).as_posix())
        if relative.name.startswith(".copier-answers"):
            continue
        if str(relative) in SHARED or relative.parts[0] in {".aegis", ".git", ".venv"}:
            raise AegisError(
                f"the stub template of {name} writes {relative}, which no component may own",
                hint="shared files change only through uv, compose includes and marked blocks",
            )
        files[str(relative)] = path.read_bytes()
    return files


def _render_text(text: str, answers: dict[str, Any], source: Path) -> str:
    from jinja2 import Environment, StrictUndefined, TemplateError

    try:
        environment = Environment(keep_trailing_newline=True, undefined=StrictUndefined)
        return environment.from_string(text).render(**answers)
    except TemplateError as exc:
        raise AegisError(f"could not render {source}: {exc}") from None


def format_python(root: Path, files: dict[str, bytes]) -> dict[str, bytes]:
    """Fix and format Python stubs with the project's own ruff (what `make fix` does), so the
    project passes its own `make lint` after every add.

    ruff sorts an import by whether the module exists in the project (`from app.core.db …` is
    first-party only once app/core/db.py is there), so the stubs are fixed at their places in a
    scratch mirror of the project's Python files: the same result whether the other stubs are
    written yet (add) or already there (upgrade, repair). The project stays untouched. No ruff
    in the project's venv: the files stay as rendered.
    """
    ruff = root / ".venv" / "bin" / "ruff"
    python = sorted(r for r in files if r.endswith(FORMATTED_SUFFIXES))
    if not ruff.is_file() or not python:
        return files
    with tempfile.TemporaryDirectory(prefix="aegis-fix-") as scratch:
        mirror = Path(scratch)
        _mirror_python(root, mirror)
        for relative in python:
            target = mirror / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(files[relative])
        _ruff(ruff, mirror, ["check", "--fix", "--exit-zero"], python)
        _ruff(ruff, mirror, ["format"], python)
        return {**files, **{relative: (mirror / relative).read_bytes() for relative in python}}


def _mirror_python(root: Path, mirror: Path) -> None:
    """Copy the project's ruff configuration and Python files (no venv, no git) to `mirror`."""
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = [d for d in subfolders if d not in MIRROR_SKIP]
        here = Path(folder)
        for name in names:
            if name.endswith(FORMATTED_SUFFIXES) or name in RUFF_CONFIGS:
                target = mirror / (here / name).relative_to(root)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(here / name, target)


def _ruff(ruff: Path, cwd: Path, command: list[str], paths: list[str]) -> None:
    """`ruff <command>` on `paths` in `cwd`; a ruff failure names the command."""
    done = subprocess.run(
        [str(ruff), *command, "--quiet", "--no-cache", *paths], capture_output=True, cwd=cwd
    )
    if done.returncode != 0:
        lines = done.stderr.decode(errors="replace").strip().splitlines()
        raise AegisError(f"ruff {command[0]} failed on the stubs: {lines[-1] if lines else '?'}")
