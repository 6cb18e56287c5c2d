"""The user's project as the lifecycle commands read it: answers, dependencies, lock, git.

Everything here only reads. A damaged file becomes a one-line AegisError naming it, so a user
never sees a traceback for a file they broke by hand.
"""

from __future__ import annotations

import subprocess
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from aegis_cli.errors import AegisError, UsageError
from aegis_cli.names import valid_python, validate_project_name
from aegis_cli.paths import user_path

ANSWERS = ".copier-answers.yml"
AEGIS_INDEX_NAME = "aegis"
TEXT_ANSWERS = ("project_description", "aegis_index_url")
"""Answers `aegis update` renders inside quoted strings (pyproject.toml)."""
INDEX_FORMATS = ("flat", "simple")


@dataclass(frozen=True)
class Project:
    root: Path
    slug: str
    answers: dict[str, Any]

    def path(self, relative: str) -> Path:
        return self.root / relative


def open_project(path: Path) -> Project:
    """The Aegis project at `path`, or a clear error when `path` is not one (exit code 2)."""
    root = user_path(path, "--project-path").resolve()
    answers_file = root / ANSWERS
    hint = "run this inside a project made by `aegis init`, or pass --project-path"
    if not root.is_dir():
        raise UsageError(f"{path} is not a folder", hint=hint)
    if not answers_file.is_file():
        raise UsageError(f"{root} is not an Aegis project (no {ANSWERS})", hint=hint)
    answers = _load_answers(answers_file)
    slug = answers.get("project_slug")
    if not isinstance(slug, str) or not slug:
        raise UsageError(f"{root} is not an Aegis project ({ANSWERS} has no project_slug)")
    _check_answers(answers, slug)
    return Project(root, slug, answers)


def _check_answers(answers: dict[str, Any], slug: str) -> None:
    """The answers obey the rules `aegis init` applied: they are rendered into compose, Make
    and shell, so a hand-edited value would otherwise run as a command there."""
    hint = f"restore it: git checkout -- {ANSWERS}"
    try:
        validate_project_name(slug)
    except UsageError as exc:
        raise AegisError(f"{ANSWERS}: project_slug is invalid: {exc.message}", hint=hint) from None
    python = answers.get("python_version")
    if python is not None and not (isinstance(python, str | float) and valid_python(str(python))):
        raise AegisError(
            f"{ANSWERS}: python_version {python!r} is not a Python version like 3.11", hint=hint
        )
    for key in TEXT_ANSWERS:
        value = answers.get(key)
        if value is not None and not (isinstance(value, str) and _plain_text(value)):
            raise AegisError(
                f"{ANSWERS}: {key} {value!r} must be one line without quotes or backslashes",
                hint=hint,
            )
    if answers.get("aegis_index_format", "flat") not in INDEX_FORMATS:
        raise AegisError(f"{ANSWERS}: aegis_index_format must be flat or simple", hint=hint)


def _plain_text(value: str) -> bool:
    """Safe inside a quoted TOML or YAML string as the templates render it."""
    return value.isprintable() and not any(c in value for c in '"\\`')


def _load_answers(answers_file: Path) -> dict[str, Any]:
    """Parse the answers YAML; damage is reported with the file name and the fix."""
    import yaml

    try:
        data = yaml.safe_load(answers_file.read_text())
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise AegisError(
            f"{answers_file} is damaged ({first})",
            hint=f"restore it: git checkout -- {ANSWERS}",
        ) from None
    if not isinstance(data, dict):
        raise AegisError(
            f"{answers_file} is damaged (not a mapping of answers)",
            hint=f"restore it: git checkout -- {ANSWERS}",
        )
    return data


def read_pyproject(project: Project) -> dict[str, Any]:
    """pyproject.toml as data; damage is an AegisError, not a traceback."""
    path = project.path("pyproject.toml")
    try:
        return tomllib.loads(path.read_text())
    except FileNotFoundError:
        raise AegisError(f"{path} is missing; every Aegis project has one") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise AegisError(f"{path} is not valid TOML ({exc})") from None


def dependencies(pyproject: dict[str, Any]) -> dict[str, str]:
    """Direct dependencies: canonical name → the requirement as written."""
    found: dict[str, str] = {}
    for raw in pyproject.get("project", {}).get("dependencies", []):
        try:
            found[canonicalize_name(Requirement(raw).name)] = raw
        except InvalidRequirement:
            continue  # uv would refuse it too; not ours to report here
    return found


def aegis_pins(pyproject: dict[str, Any]) -> set[str]:
    """Names pinned to the Aegis index in [tool.uv.sources]."""
    sources = pyproject.get("tool", {}).get("uv", {}).get("sources", {})
    return {
        canonicalize_name(name)
        for name, source in sources.items()
        if isinstance(source, dict) and source.get("index") == AEGIS_INDEX_NAME
    }


def declares_aegis_index(pyproject: dict[str, Any]) -> bool:
    indexes = pyproject.get("tool", {}).get("uv", {}).get("index", [])
    return any(isinstance(i, dict) and i.get("name") == AEGIS_INDEX_NAME for i in indexes)


def locked_versions(project: Project) -> dict[str, str]:
    """Package → version from uv.lock (empty when there is no lock yet)."""
    path = project.path("uv.lock")
    if not path.is_file():
        return {}
    try:
        lock = tomllib.loads(path.read_text())
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise AegisError(f"{path} is not valid TOML ({exc})", hint="run `uv lock`") from None
    return {
        canonicalize_name(p["name"]): str(p.get("version", "?"))
        for p in lock.get("package", [])
        if isinstance(p, dict) and "name" in p
    }


def git_changes(root: Path) -> list[str] | None:
    """Uncommitted paths (`git status --porcelain`), or None when `root` is not in git."""
    try:
        done = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=all"],
            cwd=root,
            capture_output=True,
            text=True,
        )
    except FileNotFoundError:
        return None
    if done.returncode != 0:
        return None
    return [line[3:] for line in done.stdout.splitlines() if line.strip()]


def require_clean_git(root: Path, *, force: bool, command: str) -> None:
    """Refuse to change a project with uncommitted work unless --force: git is the undo."""
    changes = git_changes(root)
    if force or changes is None or not changes:
        return
    listed = ", ".join(changes[:5]) + (f" and {len(changes) - 5} more" if len(changes) > 5 else "")
    raise AegisError(
        f"the project has uncommitted changes ({listed}); `aegis {command}` refuses to mix them "
        "with its own",
        hint="commit or stash them first (git is your undo), or pass --force",
    )
