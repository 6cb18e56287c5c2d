"""Paths read from project state stay inside the project, or nothing happens.

The manifest and the answers are files in the user's tree: damaged, edited by hand, or crafted
by someone else. A path they list is only ever used after it passed `confined`: relative, no
`..`, and inside the project once every symlink on the way is resolved (a link inside the
project pointing elsewhere counts as elsewhere). A refusal is raised before any change.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from aegis_cli.errors import AegisError

REPAIR = "aegis status --repair"
NAME = re.compile(r"^[a-z][a-z0-9_-]*$")


class OutsideProject(AegisError):
    """A path from project state that would lead outside the project."""


def check_relative(relative: str) -> None:
    """The lexical rules (no file system): a plain relative POSIX path without `..`."""
    path = PurePosixPath(relative)
    if (
        not relative
        or "\\" in relative
        or any(c in relative for c in "\0\n\r")
        or path.is_absolute()
        or ".." in path.parts
        or relative.startswith("~")
    ):
        raise ValueError(f"{relative!r} is not a path inside the project")


def confined(root: Path, relative: str, *, source: str, hint: str | None = None) -> Path:
    """`root / relative`, or OutsideProject naming `source` (what listed the path)."""
    try:
        check_relative(relative)
    except ValueError:
        raise _outside(relative, source, hint) from None
    base = root.resolve()
    target = (base / relative).resolve()
    if target == base or not target.is_relative_to(base):
        raise _outside(relative, source, hint)
    return base / relative


def _outside(relative: str, source: str, hint: str | None) -> OutsideProject:
    return OutsideProject(
        f"{source} lists {relative!r}, which leads outside the project; refused, nothing was "
        "changed",
        hint=hint or f"restore {source} from git, or rebuild it with `{REPAIR}`",
    )
