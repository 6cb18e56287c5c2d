"""Project names: one name is the directory, the distribution and the CLI command."""

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


def validate_project_name(name: str) -> str:
    """Return `name` when it is a valid project name; raise a one-line UsageError otherwise."""
    if not name.strip():
        raise UsageError("the project name is empty; " + ALLOWED)
    if "/" in name or "\\" in name or name.startswith("."):
        raise UsageError(
            f"{name!r} is a path, not a name; pass a plain name and --output-dir for the folder"
        )
    if len(name) > MAX_LENGTH:
        raise UsageError(f"{name[:20]!r}… is {len(name)} characters; at most {MAX_LENGTH}")
    if not NAME_PATTERN.match(name):
        raise UsageError(f"{name!r} is not a valid project name; {ALLOWED}")
    if keyword.iskeyword(name.replace("-", "_")):
        raise UsageError(f"{name!r} is a Python keyword; choose another name")
    if name in RESERVED or name.startswith(("aegis-", "aegis_")):
        raise UsageError(f"{name!r} is reserved (it would clash with Aegis or tooling names)")
    return name
