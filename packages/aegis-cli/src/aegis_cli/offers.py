"""What the Aegis index offers, read from the packages' own metadata (no list lives in the CLI).

A component package says what it is in its pyproject, which ends up in the core metadata every
index serves (PEP 658 `.metadata` files, or the wheel itself in a folder of wheels):

    keywords = ["aegis-component"]          # or "aegis-service"; "aegis-needs:Redis" for infra;
                                            # "aegis-not-built" while only a placeholder
    dependencies = ["aegis-database>=0.1,<0.2", …]   # other components it requires
    [project.optional-dependencies]
    sqlite = ["aegis-database>=0.1,<0.2"]   # `aegis add scheduler[sqlite]` requires database

So `aegis add`, `aegis components` and a third-party package published to the same index all
work the same way: the package is the single source of truth.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass, field
from email.message import Message
from email.parser import Parser
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path
from typing import Literal
from urllib.parse import urljoin

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import InvalidWheelFilename, canonicalize_name, parse_wheel_filename
from packaging.version import Version

from aegis_cli.errors import AegisError
from aegis_cli.index import AegisIndex

Kind = Literal["component", "service"]
KIND_KEYWORDS: dict[str, Kind] = {"aegis-component": "component", "aegis-service": "service"}
NEEDS_PREFIX = "aegis-needs:"
NOT_BUILT = "aegis-not-built"
NOT_COMPONENTS = frozenset({"aegis-core", "aegis-cli"})
TIMEOUT = 15.0
MAX_PAGE_BYTES = 5_000_000


@dataclass(frozen=True)
class Offer:
    """One component or service package as the index offers it (its newest version)."""

    name: str
    package: str
    version: str
    kind: Kind
    summary: str
    requires: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    """Infrastructure it brings (e.g. Redis): shown to users, not installed by Aegis."""
    options: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Bracket options (`scheduler[sqlite]`), each with the components it requires."""
    built: bool = True
    """False for a published placeholder: listed, but refused by `aegis add`."""


def offer_from_metadata(metadata: Message) -> Offer | None:
    """The offer a package's core metadata describes, or None for a package that is no
    Aegis component (no `aegis-component` / `aegis-service` keyword)."""
    package = canonicalize_name(metadata["Name"] or "")
    keywords = [k.strip() for k in re.split(r"[,\s]+", metadata.get("Keywords") or "") if k]
    kinds = [KIND_KEYWORDS[k] for k in keywords if k in KIND_KEYWORDS]
    if not kinds or package in NOT_COMPONENTS or not package.startswith("aegis-"):
        return None
    requires: list[str] = []
    options: dict[str, list[str]] = {
        extra: [] for extra in metadata.get_all("Provides-Extra") or []
    }
    for raw in metadata.get_all("Requires-Dist") or []:
        try:
            requirement = Requirement(raw)
        except InvalidRequirement:
            continue
        name = canonicalize_name(requirement.name)
        if not name.startswith("aegis-") or name in NOT_COMPONENTS:
            continue
        extra = _extra_of(requirement)
        (options.setdefault(extra, []) if extra else requires).append(name.removeprefix("aegis-"))
    return Offer(
        name=package.removeprefix("aegis-"),
        package=package,
        version=metadata["Version"] or "0",
        kind=kinds[0],
        summary=(metadata["Summary"] or "").strip(),
        requires=tuple(requires),
        needs=tuple(k.removeprefix(NEEDS_PREFIX) for k in keywords if k.startswith(NEEDS_PREFIX)),
        options={extra: tuple(names) for extra, names in options.items()},
        built=NOT_BUILT not in keywords,
    )


def _extra_of(requirement: Requirement) -> str | None:
    if requirement.marker is None:
        return None
    found = re.search(r"""extra\s*==\s*["']([^"']+)["']""", str(requirement.marker))
    return found.group(1) if found else None


def read_offers(index: AegisIndex) -> list[Offer]:
    """Every component and service the index offers, newest version of each, by name."""
    newest: dict[str, tuple[Version, str]] = {}
    for filename, location in wheels(index):
        try:
            name, version, _, _ = parse_wheel_filename(filename)
        except InvalidWheelFilename:
            continue
        is_component = name.startswith("aegis-") and name not in NOT_COMPONENTS
        if is_component and (name not in newest or version > newest[name][0]):
            newest[name] = (version, location)
    offers = [offer_from_metadata(_metadata(index, location)) for _, location in newest.values()]
    return sorted((o for o in offers if o is not None), key=lambda o: (o.kind, o.name))


def newest_wheel(index: AegisIndex, package: str) -> tuple[Version, str] | None:
    """(version, location) of the newest wheel of `package` on the index, if any."""
    wanted = canonicalize_name(package)
    newest: tuple[Version, str] | None = None
    for filename, location in wheels(index):
        try:
            name, version, _, _ = parse_wheel_filename(filename)
        except InvalidWheelFilename:
            continue
        if name == wanted and (newest is None or version > newest[0]):
            newest = (version, location)
    return newest


def wheel_requirements(index: AegisIndex, location: str) -> list[str]:
    """The Requires-Dist lines of one wheel on the index (extras' requirements left out)."""
    requires = _metadata(index, location).get_all("Requires-Dist") or []
    return [r for r in requires if "extra ==" not in r.replace("'", '"')]


def read_wheel(index: AegisIndex, location: str) -> bytes:
    """The bytes of a wheel found by `newest_wheel` / `read_offers`."""
    return Path(location).read_bytes() if index.format == "flat" else _get_bytes(location)


def wheels(index: AegisIndex) -> list[tuple[str, str]]:
    """(file name, location) of every aegis-* wheel in the index."""
    if index.format == "flat":
        return [(p.name, str(p)) for p in sorted(Path(index.url).glob("aegis_*.whl"))]
    root = index.url if index.url.endswith("/") else index.url + "/"
    projects = [h for h, _ in _links(_get(root)) if h.strip("/").startswith("aegis-")]
    found = []
    for href in projects:
        page_url = urljoin(root, href)
        for link, _ in _links(_get(page_url)):
            filename = link.split("#")[0].rsplit("/", 1)[-1]
            if filename.endswith(".whl"):
                found.append((filename, urljoin(page_url, link.split("#")[0])))
    return found


def _metadata(index: AegisIndex, location: str) -> Message:
    if index.format == "simple":
        try:
            return Parser().parsestr(_get(location + ".metadata"))
        except AegisError:
            wheel = read_wheel(index, location)  # an index without PEP 658 files
    else:
        wheel = read_wheel(index, location)
    with zipfile.ZipFile(BytesIO(wheel)) as archive:
        member = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        return Parser().parsestr(archive.read(member).decode())


class _LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href"):
            self.links.append((str(attributes["href"]), attributes))


def _links(page: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _LinkParser()
    parser.feed(page)
    return parser.links


def _get(url: str) -> str:
    return _get_bytes(url).decode("utf-8", errors="replace")


def _get_bytes(url: str) -> bytes:
    if url.startswith("file:") and url.endswith("/"):
        url += "index.html"  # what a web server answers for a folder of a static index
    request = urllib.request.Request(url, headers={"Accept": "text/html"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return bytes(response.read(MAX_PAGE_BYTES))
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise AegisError(f"cannot read the Aegis index at {url}: {reason}") from None
