"""The shared files `add` edits, each edit exact and reversible.

- docker-compose.yml: one `- compose/<name>.yml` line per component between the markers
  `# >>> aegis components` and `# <<< aegis components` of its `include:` list. A component's
  `compose/app.<name>.yml` changes the web service itself, so it is merged into the app's own
  include instead (`- path: [compose/app.yml, compose/app.<name>.yml]`): Compose refuses a
  service that two includes both define, and merges the files of one include's `path:` list.
- the env files (`.env.example`, `compose/stack.env`): one block per component,
  `# >>> aegis:<name>` … `# <<< aegis:<name>`, after a blank line at the end of the file.

Pure text functions: the engine reads, calls these, and writes through the transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from aegis_cli.errors import AegisError

COMPOSE_FILE = "docker-compose.yml"
ENV_FILE = ".env.example"
COMPOSE_BEGIN = "# >>> aegis components"
COMPOSE_END = "# <<< aegis components"
APP_COMPOSE = "compose/app.yml"
"""The web service's compose file, included by a line outside the markers."""
_APP_OVERRIDE = re.compile(r"compose/app\.[a-z0-9][a-z0-9_-]*\.yml")
_PATH_LIST = re.compile(r"path:\s*\[(?P<files>[^\]]*)\]")


@dataclass(frozen=True)
class EnvFile:
    path: str
    """Project-relative file the blocks go to."""
    template: str
    """File name in a component's stub template that holds its lines."""
    header: str = ""
    """Written when the file is created; the file goes when only the header is left."""


ENV_EXAMPLE = EnvFile(ENV_FILE, "env.example")
STACK_ENV = EnvFile(
    "compose/stack.env",
    "stack.env",
    "# Settings of the containers of `make up`, read after ../.env (these win).\n"
    "# Components add their blocks here: the addresses their services have inside the stack.\n",
)
ENV_FILES = (ENV_EXAMPLE, STACK_ENV)
PATHS = tuple(f.path for f in ENV_FILES)


def _compose_region(lines: list[str]) -> tuple[int, int]:
    """Indexes of the begin and end marker lines; a missing marker is an error naming the fix."""
    begin = next((i for i, line in enumerate(lines) if line.strip().startswith(COMPOSE_BEGIN)), -1)
    end = next((i for i, line in enumerate(lines) if line.strip().startswith(COMPOSE_END)), -1)
    if begin < 0 or end < begin:
        raise AegisError(
            f"{COMPOSE_FILE} has lost its markers ({COMPOSE_BEGIN!r} … {COMPOSE_END!r})",
            hint="put the two marker lines back under `include:` (see a fresh `aegis init`)",
        )
    return begin, end


def is_app_override(entry: str) -> bool:
    """`compose/app.<name>.yml`: merged into the web service, not included on its own."""
    return entry.startswith("compose/app.") and entry != APP_COMPOSE


def compose_includes(text: str) -> list[str]:
    """The include entries currently between the markers, then the app's merged overrides."""
    lines = text.splitlines(keepends=True)
    begin, end = _compose_region(lines)
    found = _app_line(lines)
    overrides = found[1] if found else []
    return [_entry(line) for line in lines[begin + 1 : end] if _entry(line)] + overrides


def _entry(line: str) -> str:
    stripped = line.strip()
    return stripped[2:].strip() if stripped.startswith("- ") else ""


def add_includes(text: str, entries: list[str]) -> str:
    """Insert each missing entry at its sorted place between the markers (an app override into
    the app's include); keep every other line."""
    lines = text.splitlines(keepends=True)
    for entry in (e for e in entries if not is_app_override(e)):
        begin, end = _compose_region(lines)
        region = lines[begin + 1 : end]
        if entry in (_entry(line) for line in region):
            continue
        indent = lines[begin][: len(lines[begin]) - len(lines[begin].lstrip())]
        position = next(
            (begin + 1 + i for i, line in enumerate(region) if _entry(line) > entry), end
        )
        lines.insert(position, f"{indent}- {entry}\n")
    overrides = [e for e in entries if is_app_override(e)]
    if overrides:
        found = _app_line(lines)
        if found is None:
            raise AegisError(
                f"{COMPOSE_FILE} no longer includes {APP_COMPOSE} as aegis wrote it",
                hint=f"put `- {APP_COMPOSE}` back under `include:` (see a fresh `aegis init`)",
            )
        index, current = found
        lines[index] = _app_include(lines[index], sorted({*current, *overrides}))
    return "".join(lines)


def remove_includes(text: str, entries: list[str]) -> str:
    """Delete exactly the lines of `entries` between the markers, and the app overrides among
    them from the app's include (absent ones are ignored)."""
    lines = text.splitlines(keepends=True)
    begin, end = _compose_region(lines)
    found = _app_line(lines)
    if found is not None and any(e in found[1] for e in entries):
        index, current = found
        lines[index] = _app_include(lines[index], [e for e in current if e not in entries])
    kept = [
        line for i, line in enumerate(lines) if not (begin < i < end and _entry(line) in entries)
    ]
    return "".join(kept)


def _app_line(lines: list[str]) -> tuple[int, list[str]] | None:
    """Index of the app's include line and the overrides merged into it, or None if the line
    is not one aegis writes (`- compose/app.yml` or `- path: [compose/app.yml, …]`)."""
    for index, line in enumerate(lines):
        entry = _entry(line)
        if entry == APP_COMPOSE:
            return index, []
        listed = _PATH_LIST.fullmatch(entry)
        files = [f.strip() for f in listed["files"].split(",")] if listed else []
        if files[:1] == [APP_COMPOSE] and all(_APP_OVERRIDE.fullmatch(f) for f in files[1:]):
            return index, files[1:]
    return None


def _app_include(line: str, overrides: list[str]) -> str:
    """The app's include line with these overrides merged, in the line's own indentation."""
    bad = [o for o in overrides if not _APP_OVERRIDE.fullmatch(o)]
    if bad:
        raise AegisError(f"{bad[0]!r} is not a compose file aegis can merge into the web service")
    indent = line[: len(line) - len(line.lstrip())]
    if not overrides:
        return f"{indent}- {APP_COMPOSE}\n"
    return f"{indent}- path: [{', '.join([APP_COMPOSE, *overrides])}]\n"


def env_markers(name: str) -> tuple[str, str]:
    return f"# >>> aegis:{name}", f"# <<< aegis:{name}"


def env_block(name: str, body: str) -> str:
    """The block as written: markers around the component's lines, newline-terminated."""
    begin, end = env_markers(name)
    return f"{begin}\n{body.rstrip()}\n{end}\n"


def find_env_block(text: str, name: str) -> str | None:
    """The block of `name` (markers included) exactly as it is in `text`, or None."""
    begin, end = env_markers(name)
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.rstrip("\n") == begin), -1)
    if start < 0:
        return None
    stop = next((i for i in range(start, len(lines)) if lines[i].rstrip("\n") == end), -1)
    return "".join(lines[start : stop + 1]) if stop >= 0 else None


def add_env_block(text: str, name: str, body: str) -> str:
    """Append the block after one blank line (adding the final newline the file may lack)."""
    if not body.strip() or find_env_block(text, name) is not None:
        return text
    if text and not text.endswith("\n"):
        text += "\n"
    separator = "\n" if text else ""
    return text + separator + env_block(name, body)


def remove_env_block(text: str, name: str) -> str:
    """Remove the block of `name` and the blank line `add_env_block` put before it."""
    block = find_env_block(text, name)
    if block is None:
        return text
    start = text.index(block)
    before, after = text[:start], text[start + len(block) :]
    if before.endswith("\n\n"):
        before = before[:-1]
    elif before == "\n":
        before = ""
    return before + after
