"""Where the templates and (in a development checkout) the Aegis workspace are."""

from __future__ import annotations

from functools import cache
from pathlib import Path

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
    version_file = templates_dir() / name / "VERSION"
    return version_file.read_text().strip() if version_file.is_file() else "0.1.0"
