"""The env files components add marked blocks to, and the one rule every command follows.

A component template may ship, beside its `files/`:
- `env.example`: lines for the project's `.env.example`, the settings a developer copies to
  `.env` for `make serve` on this machine;
- `stack.env`: lines for `compose/stack.env`, the settings of the containers of `make up`,
  read after `../.env` by every app service, so in-stack addresses (`postgres:5432`) win over
  the ones `.env` holds for this machine (`127.0.0.1`), with no copy step.

Each block sits between `# >>> aegis:<name>` and `# <<< aegis:<name>` and is recorded by its
hash: remove deletes it and upgrade replaces it only while it is unchanged, never over an edit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aegis_cli.lifecycle import blocks
from aegis_cli.lifecycle.blocks import ENV_FILES, EnvFile
from aegis_cli.lifecycle.manifest import Record, sha256

if TYPE_CHECKING:
    from aegis_cli.lifecycle.engine import Work
    from aegis_cli.lifecycle.stubs import StubSet


def add_blocks(work: Work, name: str, stubs: StubSet, record: Record) -> None:
    """Append the component's blocks; one already there (kept from before) is the user's."""
    for env in ENV_FILES:
        body = stubs.env.get(env.path, "")
        text = work.tx.read(env.path) or env.header
        if not body.strip() or blocks.find_env_block(text, name) is not None:
            continue
        work.tx.write(env.path, blocks.add_env_block(text, name, body).encode())
        record.env_blocks[env.path] = sha256(blocks.env_block(name, body))
        work.outcome.touch(env.path)


def remove_blocks(work: Work, name: str, record: Record | None) -> None:
    """Delete each recorded block that is still as written; an edited one stays."""
    for env in ENV_FILES:
        digest = record.env_blocks.get(env.path) if record is not None else None
        text = work.tx.read(env.path)
        block = blocks.find_env_block(text, name) if text is not None else None
        if digest is None or text is None or block is None:
            continue
        if sha256(block) != digest:
            work.outcome.kept.append(f"{env.path} block aegis:{name}")
            continue
        _write_or_delete(work, env, blocks.remove_env_block(text, name))


def refresh_blocks(work: Work, name: str, record: Record, stubs: StubSet) -> None:
    """Replace each block that is unchanged when the new version's differs (upgrade, options)."""
    for env in ENV_FILES:
        body = stubs.env.get(env.path, "")
        wanted = sha256(blocks.env_block(name, body)) if body.strip() else None
        recorded = record.env_blocks.get(env.path)
        if wanted == recorded:
            continue
        text = work.tx.read(env.path) or ""
        block = blocks.find_env_block(text, name)
        if block is None and recorded is not None:
            work.outcome.notes.append(f"the {env.path} block aegis:{name} was removed by you")
            continue
        if block is not None and sha256(block) != recorded:
            work.outcome.kept.append(f"{env.path} block aegis:{name} (new settings not merged)")
            continue
        kept = blocks.remove_env_block(text, name) or env.header
        _write_or_delete(work, env, blocks.add_env_block(kept, name, body))
        if wanted is None:
            record.env_blocks.pop(env.path, None)
        else:
            record.env_blocks[env.path] = wanted


def rebuild_record(texts: dict[str, str | None], name: str, stubs: StubSet, record: Record) -> None:
    """`aegis repair`: record each block that is in the project as the template writes it."""
    for env in ENV_FILES:
        body, text = stubs.env.get(env.path, ""), texts.get(env.path)
        if body.strip() and text is not None and blocks.find_env_block(text, name) is not None:
            record.env_blocks[env.path] = sha256(blocks.env_block(name, body))


def has_block(texts: dict[str, str | None], name: str) -> bool:
    return any(t is not None and blocks.find_env_block(t, name) is not None for t in texts.values())


def _write_or_delete(work: Work, env: EnvFile, text: str) -> None:
    if text.strip() and text != env.header:
        work.tx.write(env.path, text.encode())
    else:
        work.tx.delete(env.path)
    work.outcome.touch(env.path)
