"""Project names: one name is the directory, the distribution and the CLI command.

The same rules hold when a project's answers are read back (`lifecycle/project.py`): the name is
rendered into YAML, Makefiles and shell commands, so what init would refuse is refused there too.
"""

from __future__ import annotations

import keyword
import re

from aegis_cli.errors import UsageError

MAX_LENGTH = 50
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$")
RESERVED = frozenset({"aegis", "app", "test", "tests", "site", "pip", "uv"})
ALLOWED = (
    "use lowercase letters, digits and single hyphens or underscores, "
    "starting with a letter (e.g. my-api)"
)


def check_name_shape(
    name: str, *, what: str, pattern: re.Pattern[str], max_length: int, allowed: str
) -> None:
    """The rules every Aegis name shares (a project's, a new component's), as one-line errors:
    not empty, not a path, not too long, the pattern, not a Python keyword."""
    if not name.strip():
        raise UsageError(f"the {what} name is empty; {allowed}")
    if "/" in name or "\\" in name or name.startswith("."):
        raise UsageError(
            f"{name!r} is a path, not a name; pass a plain name and --output-dir for the folder"
        )
    if len(name) > max_length:
        raise UsageError(f"{name[:20]!r}… is {len(name)} characters; at most {max_length}")
    if not pattern.match(name):
        raise UsageError(f"{name!r} is not a valid {what} name; {allowed}")
    if keyword.iskeyword(name.replace("-", "_")):
        raise UsageError(f"{name!r} is a Python keyword; choose another name")


def validate_project_name(name: str) -> str:
    """Return `name` when it is a valid project name; raise a one-line UsageError otherwise."""
    check_name_shape(
        name, what="project", pattern=NAME_PATTERN, max_length=MAX_LENGTH, allowed=ALLOWED
    )
    if name in RESERVED or name.startswith(("aegis-", "aegis_")):
        raise UsageError(f"{name!r} is reserved (it would clash with Aegis or tooling names)")
    return name


def valid_python(version: str) -> bool:
    """A `major.minor` Python version Aegis supports (3.11 or newer)."""
    parts = version.split(".")
    return (
        len(parts) == 2
        and all(p.isdigit() for p in parts)
        and (int(parts[0]), int(parts[1])) >= (3, 11)
    )
