"""Where the templates and (in a development checkout) the Aegis workspace are, and the
folder checks shared by the commands that create one (`init`, `new-component`)."""

from __future__ import annotations

import os
import shutil
from functools import cache
from pathlib import Path

from aegis_cli.errors import UsageError

PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def workspace_root() -> Path | None:
    """The Aegis repository when this aegis-cli runs from it (editable install), else None."""
    for parent in PACKAGE_DIR.parents:
        if (parent / "packages" / "aegis-core" / "pyproject.toml").is_file() and (
            parent / "templates"
        ).is_dir():
            return parent
    return None


@cache
def templates_dir() -> Path:
    """Templates bundled in the wheel, or the repository's `templates/` in development."""
    bundled = PACKAGE_DIR / "templates"
    if (bundled / "project" / "copier.yml").is_file():
        return bundled
    root = workspace_root()
    if root is not None:
        return root / "templates"
    raise FileNotFoundError("aegis-cli ships without templates; reinstall aegis-cli")


def template_version(name: str) -> str:
    return version_of(templates_dir() / name)


def version_of(template: Path) -> str:
    """A template folder's VERSION (0.1.0 for the first, which had none)."""
    version_file = template / "VERSION"
    return version_file.read_text().strip() if version_file.is_file() else "0.1.0"


def user_path(path: Path, option: str) -> Path:
    """`path` with `~` expanded; `~nosuchuser` is bad input, not a traceback."""
    from aegis_cli.errors import UsageError

    try:
        return path.expanduser()
    except RuntimeError:
        raise UsageError(f"{option} {path}: there is no such home folder") from None


def check_output_dir(output_dir: Path) -> None:
    """The nearest existing folder on the way to `output_dir` must be a folder we can write
    in: copier would otherwise fail halfway with a traceback."""
    existing = output_dir.resolve()
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise UsageError(
            f"--output-dir {output_dir} cannot be created: {existing} is a file, not a folder",
            hint="pass a folder (it may not exist yet) for --output-dir",
        )
    if not os.access(existing, os.W_OK | os.X_OK):
        raise UsageError(
            f"--output-dir {output_dir}: {existing} is not writable by you",
            hint="pass a folder you can write in",
        )


def remove_created(target: Path, created: Path | None) -> None:
    """Undo a failed `init` / `new-component`: remove the outermost folder it created, or the
    target's contents when the target existed (empty) before."""
    if created is not None:
        shutil.rmtree(created, ignore_errors=True)
        return
    if not target.is_dir():
        return
    for child in target.iterdir():
        shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
