"""What a built distribution must satisfy before it is published.

Workspace links vanish from built wheels, so each dependency on another aegis-* package must
carry a bounded range of its own; and a wheel must install and load outside the workspace,
from the index alone, before anybody else tries.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from email.parser import Parser
from pathlib import Path

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

AEGIS_PREFIX = "aegis-"


@dataclass(frozen=True)
class WheelMetadata:
    name: str
    version: str
    requires: list[str]


def wheel_metadata(wheel: Path) -> WheelMetadata:
    """Name, version and Requires-Dist of a wheel, read from its METADATA."""
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        message = Parser().parsestr(archive.read(name).decode())
    requires = message.get_all("Requires-Dist") or []
    return WheelMetadata(message["Name"], message["Version"], list(requires))


def unbounded_aegis_requirements(requires: list[str]) -> list[str]:
    """Requirements on aegis-* packages that lack a lower or an upper bound."""
    loose = []
    for raw in requires:
        requirement = Requirement(raw)
        if not requirement.name.startswith(AEGIS_PREFIX):
            continue
        operators = {spec.operator for spec in requirement.specifier}
        has_lower = bool(operators & {">=", ">", "~=", "=="})
        has_upper = bool(operators & {"<", "<=", "~=", "=="})
        if not (has_lower and has_upper):
            loose.append(raw)
    return loose


def core_range(requires: list[str]) -> SpecifierSet | None:
    """The aegis-core range a distribution declares, if it depends on aegis-core."""
    for raw in requires:
        requirement = Requirement(raw)
        if requirement.name == "aegis-core" and requirement.marker is None:
            return requirement.specifier
    return None


SMOKE_SCRIPT = """
import json, sys
from aegis_core.discovery import discover_components
found = discover_components()
print(json.dumps({
    "loaded": {c.name: {"version": c.version, "supports_core": c.supports_core}
               for c in found.active},
    "problems": [p.message for p in found.problems],
}))
"""


def smoke_install(wheel: Path, index_url: str) -> dict[str, object]:
    """Install `wheel` in a fresh project outside the workspace, its aegis-* dependencies from
    `index_url` only, and report which components load (raises with uv's output on failure)."""
    with tempfile.TemporaryDirectory(prefix="aegis-smoke-") as tmp:
        project = Path(tmp)
        name = wheel_metadata(wheel).name
        (project / "pyproject.toml").write_text(
            "[project]\n"
            'name = "aegis-release-smoke"\nversion = "0"\nrequires-python = ">=3.11"\n'
            f'dependencies = ["{name} @ {wheel.resolve().as_uri()}"]\n\n'
            "# listed first: every aegis-* dependency comes from the Aegis index, never PyPI\n"
            f'[[tool.uv.index]]\nname = "aegis"\nurl = "{index_url}"\n'
        )
        _run(["uv", "sync", "--quiet", "--no-progress"], project, f"install {wheel.name}")
        python = str(project / ".venv" / "bin" / "python")
        if name == "aegis-cli":
            _run([python, "-m", "aegis_cli", "--help"], project, "run the installed aegis")
            return {"loaded": {}, "problems": []}
        output = _run([python, "-c", SMOKE_SCRIPT], project, "load the installed components")
        return dict(json.loads(output.strip().splitlines()[-1]))


def _run(command: list[str], cwd: Path, what: str) -> str:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        tail = "\n".join((result.stderr or result.stdout).strip().splitlines()[-15:])
        raise RuntimeError(f"could not {what} outside the workspace:\n{tail}")
    return result.stdout
