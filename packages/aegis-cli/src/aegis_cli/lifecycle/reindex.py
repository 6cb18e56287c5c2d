"""`aegis index set URL`: move a project to another Aegis index without moving any version.

A project names its index once, in the `[[tool.uv.index]]` table called `aegis`, and uv.lock
records where each aegis-* file came from. Moving (a new host, a mirror, from a folder of
wheels to a real index) rewrites that one table entry, re-locks, and checks that every locked
version is still the same: an index that lacks a version the project uses is refused, and the
project is left exactly as it was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from aegis_cli.errors import AegisError, UsageError
from aegis_cli.index import AegisIndex
from aegis_cli.lifecycle.project import Project, locked_versions, require_clean_git
from aegis_cli.lifecycle.transaction import transaction
from aegis_cli.runner import run

URL_PATTERN = re.compile(r"(https?|file)://[^\s\"'\\<>]+")
TABLE = re.compile(r"^\[\[tool\.uv\.index\]\]\s*$", re.MULTILINE)
NEXT_TABLE = re.compile(r"^\[", re.MULTILINE)
MAX_URL = 2048


@dataclass
class IndexChange:
    old: str
    new: str
    versions: dict[str, str] = field(default_factory=dict)
    """The aegis-* packages the project locks, unchanged by the move."""


def parse_index_url(url: str) -> AegisIndex:
    """A simple-index URL the user typed, or a one-line UsageError."""
    url = url.strip()
    if len(url) > MAX_URL or not URL_PATTERN.fullmatch(url):
        raise UsageError(
            "give the index as an http(s):// or file:// URL of a simple index, "
            "e.g. https://aegis.example.com/simple/"
        )
    return AegisIndex(url if url.endswith("/") else url + "/", "simple")


def set_index(project: Project, url: str, *, dry_run: bool, force: bool) -> IndexChange:
    new = parse_index_url(url)
    text = project.path("pyproject.toml").read_text()
    start, end = _aegis_table(text)
    old = _url_in(text[start:end])
    change = IndexChange(old, new.url, aegis_versions(project))
    if old == new.url:
        return change
    _check_offers_core(new)
    if dry_run:
        return change
    require_clean_git(project.root, force=force, command="index set")
    table = _rewrite(text[start:end], new.url)
    with transaction(project.root) as tx:
        tx.protect("pyproject.toml", "uv.lock")
        tx.write("pyproject.toml", (text[:start] + table + text[end:]).encode())
        run(["uv", "lock"], cwd=project.root, what=f"lock against {new.url}")
        moved = _moved(change.versions, aegis_versions(project))
        if moved:
            raise AegisError(
                f"the index at {new.url} does not serve the versions this project locks "
                f"({', '.join(moved)}); nothing was changed",
                hint="release those versions there first, or `aegis upgrade` before moving",
            )
        tx.venv_touched = True
        run(["uv", "sync", "--locked"], cwd=project.root, what=f"install from {new.url}")
    return change


def _aegis_table(text: str) -> tuple[int, int]:
    """Start and end offsets of the `[[tool.uv.index]]` table named aegis."""
    for match in TABLE.finditer(text):
        following = NEXT_TABLE.search(text, match.end())
        end = following.start() if following else len(text)
        if re.search(r'^name\s*=\s*"aegis"\s*$', text[match.end() : end], re.MULTILINE):
            return match.start(), end
    raise AegisError(
        "pyproject.toml has no [[tool.uv.index]] named aegis; this is not an Aegis project "
        "or its index table was removed",
        hint="add it back from a freshly generated project (`aegis init`)",
    )


def _url_in(table: str) -> str:
    found = re.search(r'^url\s*=\s*"([^"]*)"\s*$', table, re.MULTILINE)
    if not found:
        raise AegisError("the aegis index table in pyproject.toml has no url")
    return found.group(1)


def _rewrite(table: str, url: str) -> str:
    """The table with the new url; a simple index has no `format = "flat"` line."""
    table = re.sub(r'^url\s*=\s*"[^"]*"\s*$', f'url = "{url}"', table, count=1, flags=re.M)
    return re.sub(r'^format\s*=\s*"flat"\s*\n', "", table, flags=re.MULTILINE)


def _check_offers_core(index: AegisIndex) -> None:
    from aegis_cli.offers import newest_wheel

    try:
        found = newest_wheel(index, "aegis-core")
    except AegisError as error:
        raise UsageError(error.message) from None
    if found is None:
        raise UsageError(f"{index.url} holds no aegis-core: it is not an Aegis index")


def aegis_versions(project: Project) -> dict[str, str]:
    return {k: v for k, v in locked_versions(project).items() if k.startswith("aegis-")}


def _moved(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return [f"{name} {version}" for name, version in before.items() if after.get(name) != version]
