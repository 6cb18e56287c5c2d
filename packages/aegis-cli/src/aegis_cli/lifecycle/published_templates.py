"""Project-template versions published on the Aegis index.

The project template travels inside aegis-cli: each release carries its own version
(`templates/project`) and every earlier one (`templates/project-history/<version>/`). So the
newest aegis-cli on the project's index holds every published template version, and
`aegis update` can merge forward to a template newer than the installed CLI knows about.
"""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path, PurePosixPath
from typing import Any

from aegis_cli.index import AegisIndex
from aegis_cli.lifecycle.project import Project, read_pyproject

WHEEL_TEMPLATES = PurePosixPath("aegis_cli/templates")
PARTS = ("project", "project-history")


def project_index(project: Project) -> AegisIndex | None:
    """The `aegis` index the project's pyproject names (None when it names none)."""
    uv: dict[str, Any] = read_pyproject(project).get("tool", {}).get("uv", {})
    for entry in uv.get("index", []):
        if isinstance(entry, dict) and entry.get("name") == "aegis" and entry.get("url"):
            url = str(entry["url"])
            if entry.get("format") == "flat":
                folder = project.root / url if not Path(url).is_absolute() else Path(url)
                return AegisIndex(str(folder), "flat")
            return AegisIndex(url, "simple")
    return None


def fetch_templates(index: AegisIndex, into: Path) -> Path | None:
    """Unpack the templates of the newest aegis-cli on the index into `into`; return the
    folder holding `project/` and `project-history/`, or None when the index has no aegis-cli.
    An unreachable index is an AegisError (the caller decides how loud to be)."""
    from aegis_cli.offers import newest_wheel, read_wheel

    found = newest_wheel(index, "aegis-cli")
    if found is None:
        return None
    wheel = read_wheel(index, found[1])
    with zipfile.ZipFile(BytesIO(wheel)) as archive:
        for member in archive.namelist():
            relative = _template_member(member)
            if relative is None:
                continue
            target = into.joinpath(*relative.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.read(member))
    return into if (into / "project" / "copier.yml").is_file() else None


def _template_member(member: str) -> PurePosixPath | None:
    """The path below `aegis_cli/templates/` of a project-template file, else None.

    Refuses anything that could leave the target folder (absolute paths, `..`)."""
    path = PurePosixPath(member)
    if path.is_absolute() or ".." in path.parts or member.endswith("/"):
        return None
    try:
        relative = path.relative_to(WHEEL_TEMPLATES)
    except ValueError:
        return None
    if not relative.parts or relative.parts[0] not in PARTS:
        return None
    return relative
