"""A component's stubs, rendered with copier into a scratch folder and formatted like the project.

Rendering never writes into the project: the engine decides what to write from the result.
Which template: the one the installed package ships (`aegis_<name>/stubs/`, so stubs move with
the package API), else the one bundled with aegis-cli (`templates/<name>`).
`AEGIS_STUB_TEMPLATES=<dir>` puts `<dir>/<name>` first: a test-only switch for fixture templates.
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from importlib.metadata import version as dist_version
from pathlib import Path, PurePosixPath
from typing import Any

from aegis_cli.errors import AegisError
from aegis_cli.lifecycle.blocks import COMPOSE_FILE, ENV_FILE
from aegis_cli.lifecycle.manifest import MANIFEST
from aegis_cli.lifecycle.project import ANSWERS, Project
from aegis_cli.paths import templates_dir

STUB_TEMPLATES_ENV = "AEGIS_STUB_TEMPLATES"
SHARED = frozenset({"pyproject.toml", "uv.lock", COMPOSE_FILE, ENV_FILE, ANSWERS, MANIFEST})
FORMATTED_SUFFIXES = (".py", ".pyi")


@dataclass(frozen=True)
class StubSet:
    name: str
    origin: str
    """Where the stubs came from, e.g. `aegis-cli 0.1.0` or `aegis-scheduler 0.2.0`."""
    files: dict[str, bytes]
    """Project-relative POSIX path → final bytes (already formatted)."""
    env: str
    """Lines for the project's .env.example ('' when the component has none)."""

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
    shipped = _shipped_by_package(name, project.root)
    if shipped is not None:
        return shipped
    bundled = templates_dir() / name
    if not (bundled / "copier.yml").is_file():
        raise AegisError(f"this aegis-cli has no stub template for {name!r}")
    return bundled, f"aegis-cli {dist_version('aegis-cli')}"


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


def render(name: str, project: Project) -> StubSet:
    """Render the stubs of `name` for `project` in a scratch folder; nothing is written here."""
    template, origin = locate(name, project)
    with tempfile.TemporaryDirectory(prefix=f"aegis-{name}-") as scratch:
        answers = _copier_copy(template, Path(scratch), project.slug)
        files = _collect(Path(scratch), name)
    env_path = template / "env.example"
    env = _render_text(env_path.read_text(), answers, env_path) if env_path.is_file() else ""
    return StubSet(name, origin, format_python(project.root, files), env)


def _copier_copy(template: Path, destination: Path, slug: str) -> dict[str, Any]:
    """copier copy with the project's slug; returns the answers it used (for env.example)."""
    from copier import run_copy
    from copier.errors import CopierError

    try:
        worker = run_copy(
            str(template),
            str(destination),
            data={"project_slug": slug},
            defaults=True,
            quiet=True,
            unsafe=False,
            overwrite=True,
        )
    except CopierError as exc:
        raise AegisError(f"could not render the stub template {template}: {exc}") from None
    return {
        key: value
        for key, value in worker.answers.combined.items()
        if isinstance(key, str) and not key.startswith("_") and isinstance(value, str | int | bool)
    }


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
    """Format Python stubs with the project's own ruff, as if they were at their place.

    `--stdin-filename` makes ruff use the project's configuration for that path while the
    project stays untouched. No ruff in the project's venv: the files stay as rendered.
    """
    ruff = root / ".venv" / "bin" / "ruff"
    if not ruff.is_file():
        return files
    formatted = dict(files)
    for relative, data in files.items():
        if relative.endswith(FORMATTED_SUFFIXES):
            formatted[relative] = _ruff_format(ruff, root, relative, data)
    return formatted


def _ruff_format(ruff: Path, root: Path, relative: str, data: bytes) -> bytes:
    done = subprocess.run(
        [
            str(ruff),
            "format",
            "--quiet",
            "--no-cache",
            "--stdin-filename",
            str(root / relative),
            "-",
        ],
        input=data,
        capture_output=True,
        cwd=root,
    )
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip().splitlines()
        raise AegisError(f"ruff could not format {relative}: {message[-1] if message else '?'}")
    return done.stdout
