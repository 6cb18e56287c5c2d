"""Where "the project" is, so relative paths (``data/app.db``) mean the same from any command.

A user runs `make serve`, `<slug> db upgrade` or the scheduler from the project root, but also
from a sub-folder or a test runner; resolving against the nearest `pyproject.toml` keeps every
process on one database file instead of silently creating a second one.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_DIR_ENV = "AEGIS_PROJECT_DIR"
PROJECT_PACKAGE_ENV = "AEGIS_PROJECT_PACKAGE"


def project_dir() -> Path:
    """`AEGIS_PROJECT_DIR`, else the nearest folder up from the cwd with a pyproject.toml."""
    explicit = os.environ.get(PROJECT_DIR_ENV)
    if explicit:
        return Path(explicit).resolve()
    cwd = Path.cwd().resolve()
    for folder in (cwd, *cwd.parents):
        if (folder / "pyproject.toml").is_file():
            return folder
    return cwd


def project_package() -> str:
    """Import name of the user's code (`app` in generated projects)."""
    return os.environ.get(PROJECT_PACKAGE_ENV, "app")
