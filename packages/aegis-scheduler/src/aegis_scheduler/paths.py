"""The project folder and package, as aegis-database resolves them (kept in step on purpose:
the scheduler must find the same `data/` whether or not aegis-database is installed)."""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from types import ModuleType


def project_dir() -> Path:
    """`AEGIS_PROJECT_DIR`, else the nearest folder up from the cwd with a pyproject.toml."""
    explicit = os.environ.get("AEGIS_PROJECT_DIR")
    if explicit:
        return Path(explicit).resolve()
    cwd = Path.cwd().resolve()
    return next((f for f in (cwd, *cwd.parents) if (f / "pyproject.toml").is_file()), cwd)


def project_path(relative: str) -> Path:
    path = Path(relative)
    return path if path.is_absolute() else project_dir() / path


def project_package() -> str:
    return os.environ.get("AEGIS_PROJECT_PACKAGE", "app")


def import_optional(name: str) -> ModuleType | None:
    """Import `name`, or None when it (or a parent) does not exist; its own errors propagate."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name is not None and name.startswith(exc.name):
            return None
        raise
