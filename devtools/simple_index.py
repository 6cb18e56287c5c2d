"""A static package index (PEP 503, with PEP 658 metadata files) in a plain folder.

The folder is a complete index for uv and pip once any static web server serves it (or as a
`file://…/simple/` URL): `simple/<project>/index.html` links each distribution with its
`#sha256=` digest, so a project's `uv.lock` records hashes, and next to each wheel lies its
`.metadata` file, so a resolver reads dependencies without downloading the wheel.

    DIR/
      files/aegis_worker-0.2.0-py3-none-any.whl
      files/aegis_worker-0.2.0-py3-none-any.whl.metadata
      simple/index.html
      simple/aegis-worker/index.html

Distributions are immutable: publishing a file name again with other bytes is refused, the same
bytes again is a no-op (a re-run release).
"""

from __future__ import annotations

import hashlib
import html
import re
import shutil
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from email.parser import Parser
from pathlib import Path

from packaging.utils import canonicalize_name, parse_sdist_filename, parse_wheel_filename


class PublishRefused(RuntimeError):
    """Publishing would break the index (a changed file under an existing name)."""


@dataclass(frozen=True)
class Distribution:
    """One file of the index, as a resolver sees it."""

    path: Path
    project: str
    version: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


def project_of(filename: str) -> tuple[str, str]:
    """(canonical project name, version) of a wheel or sdist file name."""
    if filename.endswith(".whl"):
        name, version, _, _ = parse_wheel_filename(filename)
    else:
        name, version = parse_sdist_filename(filename)
    return canonicalize_name(name), str(version)


def publish(index_dir: Path, files: Iterable[Path]) -> list[Path]:
    """Copy distributions into the index and rewrite the pages of the projects they belong to.

    Returns the files that were new. Refuses (before copying anything) a file whose name is
    already published with other bytes.
    """
    store = index_dir / "files"
    incoming = list(files)
    for source in incoming:
        target = store / source.name
        if target.exists() and _digest(target) != _digest(source):
            raise PublishRefused(
                f"{source.name} is already published with other contents; "
                "a released version is immutable: release a new version instead"
            )
    store.mkdir(parents=True, exist_ok=True)
    added: list[Path] = []
    for source in incoming:
        target = store / source.name
        if target.exists():
            continue
        shutil.copy2(source, target)
        if target.suffix == ".whl":
            _write_core_metadata(target)
        added.append(target)
    write_pages(index_dir)
    return added


def distributions(index_dir: Path) -> list[Distribution]:
    found = []
    for path in sorted((index_dir / "files").glob("*")):
        if path.suffix == ".whl" or path.name.endswith(".tar.gz"):
            project, version = project_of(path.name)
            found.append(Distribution(path, project, version))
    return found


def write_pages(index_dir: Path) -> None:
    """(Re)write `simple/index.html` and one page per project from what `files/` holds."""
    by_project: dict[str, list[Distribution]] = {}
    for dist in distributions(index_dir):
        by_project.setdefault(dist.project, []).append(dist)
    simple = index_dir / "simple"
    simple.mkdir(parents=True, exist_ok=True)
    for project, dists in by_project.items():
        page = simple / project / "index.html"
        page.parent.mkdir(exist_ok=True)
        links = "\n".join(_link(d) for d in dists)
        page.write_text(_page(f"Links for {project}", links))
    projects = "\n".join(f'<a href="{p}/">{p}</a><br>' for p in sorted(by_project))
    (simple / "index.html").write_text(_page("Simple index", projects))


def _link(dist: Distribution) -> str:
    attributes = [f'href="../../files/{dist.path.name}#sha256={dist.sha256}"']
    requires_python = _requires_python(dist.path)
    if requires_python:
        attributes.append(f'data-requires-python="{html.escape(requires_python)}"')
    metadata = dist.path.with_name(dist.path.name + ".metadata")
    if metadata.exists():
        attributes.append(f'data-core-metadata="sha256={_digest(metadata)}"')
        attributes.append(f'data-dist-info-metadata="sha256={_digest(metadata)}"')
    return f"<a {' '.join(attributes)}>{dist.path.name}</a><br>"


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html><head><meta name="pypi:repository-version" content="1.0">'
        f"<title>{title}</title></head>\n<body>\n<h1>{title}</h1>\n{body}\n</body></html>\n"
    )


def _write_core_metadata(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        member = next(n for n in names if re.fullmatch(r"[^/]+\.dist-info/METADATA", n))
        wheel.with_name(wheel.name + ".metadata").write_bytes(archive.read(member))


def _requires_python(path: Path) -> str:
    metadata = path.with_name(path.name + ".metadata")
    if not metadata.exists():
        return ""
    return Parser().parsestr(metadata.read_text()).get("Requires-Python", "") or ""


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
