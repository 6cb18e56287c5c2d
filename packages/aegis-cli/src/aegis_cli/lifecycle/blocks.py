"""The shared files `add` edits, each edit exact and reversible.

- docker-compose.yml: one `- compose/<name>.yml` line per component between the markers
  `# >>> aegis components` and `# <<< aegis components` of its `include:` list.
- the env files (`.env.example`, `compose/stack.env`): one block per component,
  `# >>> aegis:<name>` … `# <<< aegis:<name>`, after a blank line at the end of the file.

Pure text functions: the engine reads, calls these, and writes through the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from aegis_cli.errors import AegisError

COMPOSE_FILE = "docker-compose.yml"
ENV_FILE = ".env.example"
COMPOSE_BEGIN = "# >>> aegis components"
COMPOSE_END = "# <<< aegis components"


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


def compose_includes(text: str) -> list[str]:
    """The include entries currently between the markers."""
    lines = text.splitlines(keepends=True)
    begin, end = _compose_region(lines)
    return [_entry(line) for line in lines[begin + 1 : end] if _entry(line)]


def _entry(line: str) -> str:
    stripped = line.strip()
    return stripped[2:].strip() if stripped.startswith("- ") else ""


def add_includes(text: str, entries: list[str]) -> str:
    """Insert each missing entry at its sorted place between the markers; keep every other line."""
    lines = text.splitlines(keepends=True)
    for entry in entries:
        begin, end = _compose_region(lines)
        region = lines[begin + 1 : end]
        if entry in (_entry(line) for line in region):
            continue
        indent = lines[begin][: len(lines[begin]) - len(lines[begin].lstrip())]
        position = next(
            (begin + 1 + i for i, line in enumerate(region) if _entry(line) > entry), end
        )
        lines.insert(position, f"{indent}- {entry}\n")
    return "".join(lines)


def remove_includes(text: str, entries: list[str]) -> str:
    """Delete exactly the lines of `entries` between the markers (absent ones are ignored)."""
    lines = text.splitlines(keepends=True)
    begin, end = _compose_region(lines)
    kept = [
        line for i, line in enumerate(lines) if not (begin < i < end and _entry(line) in entries)
    ]
    return "".join(kept)


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
