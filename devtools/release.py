"""Release one aegis-* package on its own: `python3 dev.py release PACKAGE (VERSION | --bump …)`.

Steps, each printed as it runs (`--dry-run` prints them and changes nothing):
  1. set the version in the package's pyproject (and uv.lock);
  2. move the "Unreleased" notes of its CHANGELOG.md under the new version;
  3. build wheel and sdist with `--no-sources` (the metadata users will resolve);
  4. check the metadata: bounded aegis-* ranges, and a component's supported aegis-core range
     equal to the range its distribution requires;
  5. install the wheel in a fresh project outside the workspace, aegis-* from the index only,
     and load its component;
  6. publish: into a static index folder (`--to DIR`), or to an index server (`--upload-url`);
  7. commit the version and changelog, and tag `PACKAGE-vVERSION`.

A failure before step 6 restores the files of steps 1-2. No other package is touched.
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from packaging.specifiers import SpecifierSet
from packaging.version import InvalidVersion, Version

from devtools import changelog, simple_index, wheel_checks

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INDEX_DIR = ROOT / ".aegis" / "index"
BUMPS = ("patch", "minor", "major")


class ReleaseError(RuntimeError):
    """A one-line reason the release cannot go on; nothing was published."""


@dataclass(frozen=True)
class Target:
    """Where the release goes, and the index URL a smoke install resolves from."""

    folder: Path | None
    upload_url: str | None
    index_url: str

    def describe(self) -> str:
        return f"static index {self.folder}" if self.folder else f"index server {self.upload_url}"


@dataclass(frozen=True)
class Plan:
    package: str
    member: Path
    current: Version
    version: Version
    target: Target

    @property
    def tag(self) -> str:
        return f"{self.package}-v{self.version}"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="dev.py release",
        description="Release one aegis-* package: version, changelog, build, check, publish, tag.",
    )
    parser.add_argument("package", help="a workspace member, e.g. aegis-worker")
    parser.add_argument("version", nargs="?", help="the new version, e.g. 0.2.0")
    parser.add_argument("--bump", choices=BUMPS, help="derive the version from the current one")
    parser.add_argument(
        "--to",
        type=Path,
        help="static index folder to publish into (default: $AEGIS_RELEASE_DIR or .aegis/index)",
    )
    parser.add_argument("--upload-url", help="publish to an index server with `uv publish`")
    parser.add_argument("--index-url", help="the server's simple index URL (with --upload-url)")
    parser.add_argument("--dry-run", action="store_true", help="print the steps, change nothing")
    parser.add_argument("--no-tag", action="store_true", help="do not commit and tag")
    return parser.parse_args(argv)


def make_plan(args: argparse.Namespace) -> Plan:
    member = _member(args.package)
    current = Version(_pyproject_version(member))
    version = _next_version(current, args.version, args.bump)
    return Plan(args.package, member, current, version, _target(args))


def _member(package: str) -> Path:
    if not re.fullmatch(r"aegis-[a-z0-9-]+", package):
        raise ReleaseError(f"{package!r} is not an aegis-* package name (e.g. aegis-worker)")
    member = ROOT / "packages" / package
    if not (member / "pyproject.toml").is_file():
        known = sorted(p.parent.name for p in ROOT.glob("packages/*/pyproject.toml"))
        raise ReleaseError(f"no workspace member {package}; members: {', '.join(known)}")
    return member


def _pyproject_version(member: Path) -> str:
    found = re.search(r'^version = "([^"]+)"', (member / "pyproject.toml").read_text(), re.M)
    if not found:
        raise ReleaseError(f"{member.name}/pyproject.toml has no static version")
    return found.group(1)


def _next_version(current: Version, wanted: str | None, bump: str | None) -> Version:
    if (wanted is None) == (bump is None):
        raise ReleaseError("give either a VERSION or --bump patch|minor|major")
    if bump is not None:
        major, minor, patch = (*current.release, 0, 0)[:3]
        parts = {"major": (major + 1, 0, 0), "minor": (major, minor + 1, 0)}
        return Version(".".join(map(str, parts.get(bump, (major, minor, patch + 1)))))
    try:
        version = Version(str(wanted))
    except InvalidVersion:
        raise ReleaseError(f"{wanted!r} is not a valid version (PEP 440), e.g. 0.2.0") from None
    if version < current:
        raise ReleaseError(f"{version} is older than the current {current}")
    return version


def _target(args: argparse.Namespace) -> Target:
    if args.upload_url:
        if args.to:
            raise ReleaseError("give either --to DIR or --upload-url, not both")
        if not args.index_url:
            raise ReleaseError("--upload-url needs --index-url (the server's simple index URL)")
        return Target(None, args.upload_url, args.index_url)
    folder = (args.to or Path(os.environ.get("AEGIS_RELEASE_DIR", DEFAULT_INDEX_DIR))).resolve()
    return Target(folder, None, (folder / "simple").as_uri() + "/")


def check_preconditions(plan: Plan) -> None:
    """Refuse early: a dirty package, an existing tag, nothing in the changelog."""
    dirty = _git("status", "--porcelain", "--", str(plan.member)).strip()
    if dirty:
        raise ReleaseError(f"{plan.package} has uncommitted changes: commit them first")
    if _git("tag", "--list", plan.tag).strip():
        raise ReleaseError(f"tag {plan.tag} exists already: {plan.version} is released")
    notes_path = plan.member / "CHANGELOG.md"
    if not notes_path.is_file():
        raise ReleaseError(f"{plan.package} has no CHANGELOG.md: add one with an Unreleased part")
    try:
        changelog.release(notes_path.read_text(), str(plan.version), _today())
    except changelog.ChangelogError as error:
        raise ReleaseError(f"{plan.package}/CHANGELOG.md: {error}") from None


def release(plan: Plan, *, dry_run: bool, tag: bool) -> None:
    step = _stepper(dry_run)
    touched = [plan.member / "pyproject.toml", plan.member / "CHANGELOG.md", ROOT / "uv.lock"]
    backup = {path: path.read_bytes() for path in touched}
    step(f"version {plan.current} -> {plan.version} in {plan.package}/pyproject.toml")
    step("move CHANGELOG.md's Unreleased notes under " + str(plan.version))
    step(f"build {plan.package} (wheel, sdist) with --no-sources")
    step("check metadata, install outside the workspace from " + plan.target.index_url)
    step(f"publish to {plan.target.describe()}")
    if tag:
        step(f"commit and tag {plan.tag}")
    if dry_run:
        return
    with tempfile.TemporaryDirectory(prefix="aegis-release-") as out:
        try:
            _set_version(plan)
            dists = _build(plan, Path(out))
            _check(plan, dists)
        except BaseException:
            for path, content in backup.items():
                path.write_bytes(content)
            raise
        _publish(plan, dists)
    if tag:
        paths = [str(p.relative_to(ROOT)) for p in touched]
        _git("commit", "-q", "-m", f"Release {plan.package} {plan.version}", "--", *paths)
        _git("tag", "-a", plan.tag, "-m", f"{plan.package} {plan.version}")
    print(f"released {plan.package} {plan.version} to {plan.target.describe()}")


def _set_version(plan: Plan) -> None:
    _uv("version", "--package", plan.package, str(plan.version), "--no-sync", "--quiet")
    notes_path = plan.member / "CHANGELOG.md"
    released = changelog.release(notes_path.read_text(), str(plan.version), _today())
    notes_path.write_text(released.text)


def _build(plan: Plan, out: Path) -> list[Path]:
    _uv("build", "--package", plan.package, "--no-sources", "--quiet", "-o", str(out))
    dists = sorted(p for p in out.iterdir() if p.suffix == ".whl" or p.name.endswith(".tar.gz"))
    if len(dists) != 2:
        names = [p.name for p in dists]
        raise ReleaseError(f"expected a wheel and an sdist, the build gave {names}")
    return dists


def _check(plan: Plan, dists: list[Path]) -> None:
    wheel = next(p for p in dists if p.suffix == ".whl")
    requires = wheel_checks.wheel_metadata(wheel).requires
    loose = wheel_checks.unbounded_aegis_requirements(requires)
    if loose:
        raise ReleaseError(f"unbounded aegis-* requirements in the wheel: {', '.join(loose)}")
    try:
        report = wheel_checks.smoke_install(wheel, plan.target.index_url)
    except RuntimeError as error:
        raise ReleaseError(
            f"{error}\n(are its aegis-* dependencies released to the index yet?)"
        ) from None
    _check_component(plan, report, wheel_checks.core_range(requires))


def _check_component(plan: Plan, report: dict[str, object], core: SpecifierSet | None) -> None:
    loaded = report["loaded"]
    assert isinstance(loaded, dict)
    problems = [str(p) for p in report["problems"]]  # type: ignore[attr-defined]
    mine = [p for p in problems if plan.package in p]
    if mine:
        raise ReleaseError(f"the installed {plan.package} does not load: {mine[0]}")
    for name, info in loaded.items():
        if info["version"] != str(plan.version) or plan.package != f"aegis-{name}":
            continue
        if core is not None and SpecifierSet(info["supports_core"]) != core:
            raise ReleaseError(
                f"component {name} supports aegis-core {info['supports_core']} but the "
                f"distribution requires aegis-core{core}: make them the same range"
            )


def _publish(plan: Plan, dists: list[Path]) -> None:
    if plan.target.folder is not None:
        try:
            simple_index.publish(plan.target.folder, dists)
        except simple_index.PublishRefused as error:
            raise ReleaseError(str(error)) from None
        return
    assert plan.target.upload_url is not None
    _uv(
        "publish",
        "--publish-url",
        plan.target.upload_url,
        "--check-url",
        plan.target.index_url,
        *map(str, dists),
    )


def _stepper(dry_run: bool) -> Callable[[str], None]:
    counter = iter(range(1, 100))

    def step(text: str) -> None:
        prefix = "would" if dry_run else "->"
        print(f"{next(counter)}. {prefix} {text}", flush=True)

    return step


def _today() -> str:
    return datetime.date.today().isoformat()


def _uv(*args: str) -> None:
    uv = shutil.which("uv") or "uv"
    result = subprocess.run([uv, *args], cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        tail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise ReleaseError(f"uv {args[0]} failed: " + " / ".join(tail))


def _git(*args: str) -> str:
    result = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        raise ReleaseError(f"git {args[0]} failed: {result.stderr.strip()}")
    return result.stdout


def main(argv: list[str]) -> int:
    try:
        args = parse_args(argv)
        plan = make_plan(args)
        check_preconditions(plan)
        release(plan, dry_run=args.dry_run, tag=not args.no_tag)
    except ReleaseError as error:
        print(f"release refused: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("release interrupted; nothing was published", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
