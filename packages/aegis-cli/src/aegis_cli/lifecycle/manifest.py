"""`.aegis/manifest.json`: every file and block the CLI wrote into a project, with its hash.

It is how `remove` knows what it may delete (a file that still has the hash we wrote) and what
it must keep (the user changed it). It lives in the project and is committed with it; the
project's dependencies stay the truth for what is *installed*, the manifest only for what the
CLI *wrote*. When the last component goes, the file goes too, so add + remove leaves no trace.

Shape (format 1), keys sorted, one file per line so a git diff reads well:

    {
      "format": 1,
      "about": "...",
      "components": {
        "scheduler": {
          "kind": "component",
          "package": "aegis-scheduler",
          "options": ["sqlite"],
          "stubs_from": "aegis-cli 0.1.0",
          "files": {"app/components/scheduler.py": "<sha256>", ...},
          "compose": ["compose/scheduler.yml"],
          "env_blocks": {".env.example": "<sha256 of its aegis:scheduler block>", ...}
        }
      }
    }
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from aegis_cli.errors import AegisError
from aegis_cli.lifecycle.blocks import ENV_FILE, PATHS
from aegis_cli.lifecycle.confine import NAME, REPAIR, confined

MANIFEST = ".aegis/manifest.json"
FORMAT = 1
ABOUT = (
    "Written by aegis add/remove/upgrade: the files and blocks the CLI wrote, with their "
    "sha256. `aegis remove` deletes only what still matches. Commit it; do not edit it."
)

KINDS = ("component", "service")

FileState = Literal["unchanged", "edited", "missing"]


def sha256(data: bytes | str) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


@dataclass
class Record:
    """What the CLI wrote for one component or service."""

    kind: str
    package: str
    options: list[str] = field(default_factory=list)
    stubs_from: str = ""
    files: dict[str, str] = field(default_factory=dict)
    compose: list[str] = field(default_factory=list)
    env_blocks: dict[str, str] = field(default_factory=dict)
    """Env file → sha256 of the component's marked block in it."""

    def to_data(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "package": self.package,
            "options": sorted(self.options),
            "stubs_from": self.stubs_from,
            "files": dict(sorted(self.files.items())),
            "compose": sorted(self.compose),
            "env_blocks": dict(sorted(self.env_blocks.items())),
        }


@dataclass
class Manifest:
    components: dict[str, Record] = field(default_factory=dict)

    def dumps(self) -> bytes | None:
        """The file's bytes, or None when nothing is recorded (the file should not exist)."""
        if not self.components:
            return None
        data = {
            "format": FORMAT,
            "about": ABOUT,
            "components": {n: r.to_data() for n, r in sorted(self.components.items())},
        }
        return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode()

    def owner(self, relative: str) -> str | None:
        """The component that wrote `relative`, if any."""
        return next((n for n, r in self.components.items() if relative in r.files), None)


def load(root: Path) -> Manifest:
    """The project's manifest (empty when absent); a damaged one is a clear error."""
    path = confined(root, MANIFEST, source="the project")
    if not path.is_file():
        return Manifest()
    try:
        manifest = _parse(json.loads(path.read_text()))
    except (ValueError, TypeError, KeyError, AttributeError, UnicodeDecodeError) as exc:
        raise AegisError(
            f"{path} is damaged ({type(exc).__name__}: {exc})",
            hint=f"restore it from git (git checkout -- {MANIFEST}), or rebuild it: {REPAIR}",
        ) from None
    for record in manifest.components.values():  # every path, before any is used
        for relative in [*record.files, *record.compose]:
            confined(root, relative, source=MANIFEST)
    return manifest


def _parse(data: Any) -> Manifest:
    """Validate the JSON shape strictly: a half-understood manifest could delete user files."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f"expected an object with format {FORMAT}")
    components = data["components"]
    if not isinstance(components, dict):
        raise TypeError("components is not an object")
    manifest = Manifest()
    for name, raw in components.items():
        if not NAME.match(name) or raw["kind"] not in KINDS:
            raise ValueError(f"{name!r} is not a component or service this CLI writes")
        files = raw["files"]
        if not isinstance(files, dict) or not all(
            isinstance(k, str) and _is_digest(v) for k, v in files.items()
        ):
            raise ValueError(f"{name}.files must map paths to sha256 digests")
        options = raw.get("options", [])
        compose = raw.get("compose", [])
        if not all(isinstance(o, str) and NAME.match(o) for o in options):
            raise ValueError(f"{name}.options must be plain names")
        if not all(isinstance(c, str) for c in compose):
            raise ValueError(f"{name}.compose must list paths")
        env_blocks = _env_blocks(name, raw)
        manifest.components[name] = Record(
            kind=str(raw["kind"]),
            package=str(raw["package"]),
            options=list(options),
            stubs_from=str(raw.get("stubs_from", "")),
            files=dict(files),
            compose=list(compose),
            env_blocks=env_blocks,
        )
    return manifest


def _env_blocks(name: str, raw: dict[str, Any]) -> dict[str, str]:
    """Env file → block digest; an older manifest's single `env_block` is .env.example's."""
    blocks = raw.get("env_blocks", {})
    legacy = raw.get("env_block")
    if legacy is not None:
        blocks = {ENV_FILE: legacy, **(blocks if isinstance(blocks, dict) else {})}
    if not isinstance(blocks, dict) or not all(
        k in PATHS and _is_digest(v) for k, v in blocks.items()
    ):
        raise ValueError(f"{name}.env_blocks must map env files to sha256 digests")
    return dict(blocks)


def _is_digest(value: Any) -> bool:
    return (
        isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value)
    )


def file_state(root: Path, relative: str, digest: str) -> FileState:
    """Whether a recorded file is still exactly what the CLI wrote."""
    path = confined(root, relative, source=MANIFEST)
    if not path.is_file():
        return "missing"
    return "unchanged" if sha256(path.read_bytes()) == digest else "edited"
