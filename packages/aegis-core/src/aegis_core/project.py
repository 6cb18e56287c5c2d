"""Where the user's project is: its folder and its import package.

Every component resolves relative paths (`data/app.db`) and user stubs (`app.components.…`)
through these, so the web process, the CLI, the worker and the scheduler agree even when run
from a sub-folder or a test runner.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from types import ModuleType

__all__ = [
    "PROJECT_DIR_ENV",
    "PROJECT_PACKAGE_ENV",
    "import_optional",
    "project_dir",
    "project_package",
    "project_path",
]

PROJECT_DIR_ENV = "AEGIS_PROJECT_DIR"
PROJECT_PACKAGE_ENV = "AEGIS_PROJECT_PACKAGE"


def project_dir() -> Path:
    """`AEGIS_PROJECT_DIR`, else the nearest folder up from the cwd with a pyproject.toml."""
    explicit = os.environ.get(PROJECT_DIR_ENV)
    if explicit:
        return Path(explicit).resolve()
    cwd = Path.cwd().resolve()
    return next((f for f in (cwd, *cwd.parents) if (f / "pyproject.toml").is_file()), cwd)


def project_path(relative: str | Path) -> Path:
    """`relative` resolved against the project folder (absolute paths are kept)."""
    path = Path(relative)
    return path if path.is_absolute() else project_dir() / path


def project_package() -> str:
    """Import name of the user's code: `app` in generated projects."""
    return os.environ.get(PROJECT_PACKAGE_ENV, "app")


def import_optional(name: str) -> ModuleType | None:
    """Import `name`, or None when it (or a parent) does not exist; its own errors propagate,
    so a typo inside a user's stub is reported instead of silently ignored."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        missing = exc.name
        if missing is not None and (name == missing or name.startswith(missing + ".")):
            return None
        raise
