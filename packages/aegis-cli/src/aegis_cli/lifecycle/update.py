"""`aegis update`: bring the project scaffold to a newer template version with copier's 3-way
merge (template before → the user's project → template after).

copier needs the template in git with one tag per version, and the project's answers pointing
at the old tag. aegis-cli ships templates as plain folders, so:

1. Template versions come from `AEGIS_TEMPLATE_VERSIONS=<dir>` (one sub-folder per version,
   e.g. `0.1.0/`, `0.2.0/`; how past versions can ship, and how the tests build them) plus the
   version bundled with this aegis-cli (`templates/project`, its VERSION file).
2. They are committed, oldest first, into a scratch git repo, each tagged `v<version>`.
3. copier runs in a scratch *clone* of the project whose answers point at that repo and at the
   project's own version; the user's repository is never handed to copier.
4. The files copier changed are copied into the project in one transaction; conflicts stay as
   copier's inline markers and are listed. --dry-run stops after step 3.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from packaging.version import InvalidVersion, Version

from aegis_cli.errors import AegisError, UsageError
from aegis_cli.lifecycle.project import ANSWERS, Project, require_clean_git
from aegis_cli.lifecycle.transaction import transaction
from aegis_cli.paths import template_version, templates_dir
from aegis_cli.runner import run

VERSIONS_ENV = "AEGIS_TEMPLATE_VERSIONS"
UPDATE_STEPS = ("apply", "uv-sync")
IDENTITY = [
    "-c",
    "user.name=Aegis",
    "-c",
    "user.email=aegis@localhost",
    "-c",
    "commit.gpgsign=false",
]
CONFLICT_MARKER = b"<<<<<<< before updating"


@dataclass
class UpdateResult:
    old: str
    new: str
    changed: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)


def available_versions() -> dict[Version, Path]:
    """Every template version this aegis-cli can reach, by version."""
    found: dict[Version, Path] = {}
    configured = os.environ.get(VERSIONS_ENV)
    if configured:
        for folder in sorted(Path(configured).iterdir()):
            if (folder / "copier.yml").is_file():
                found[_version(folder.name, folder)] = folder
    bundled = templates_dir() / "project"
    found.setdefault(_version(template_version("project"), bundled), bundled)
    return found


def _version(text: str, where: Path) -> Version:
    try:
        return Version(text.removeprefix("v"))
    except InvalidVersion:
        raise AegisError(f"{where}: {text!r} is not a version like 0.2.0") from None


def project_version(project: Project) -> Version:
    raw = project.answers.get("template_version") or str(project.answers.get("_commit", ""))
    if not raw:
        raise AegisError(f"{ANSWERS} records no template_version; cannot tell what to merge from")
    return _version(str(raw), project.path(ANSWERS))


def update(project: Project, to_version: str | None, *, dry_run: bool) -> UpdateResult:
    """Merge the newer template into the project (or only report it, on a dry run)."""
    versions = available_versions()
    old = project_version(project)
    new = _version(to_version, Path("--to-version")) if to_version else max(versions)
    if new not in versions:
        listed = ", ".join(str(v) for v in sorted(versions))
        raise UsageError(f"template version {new} is not available; available: {listed}")
    if new <= old:
        return UpdateResult(str(old), str(new))
    if old not in versions:
        raise AegisError(
            f"the project's template version {old} is not available to this aegis-cli, so there "
            "is no base for a 3-way merge",
            hint=f"point {VERSIONS_ENV} at a folder holding {old}/ (and newer versions)",
        )
    require_clean_git(project.root, force=False, command="update")
    with (
        _template_repo(versions) as repo,
        tempfile.TemporaryDirectory(prefix="aegis-update-") as scratch,
    ):
        clone = Path(scratch) / project.root.name
        _prepare_clone(project, clone, repo, old)
        _copier_update(clone, new)
        result = _collect(clone, str(old), str(new))
        if not dry_run:
            _apply(project, clone, result)
    return result


@contextmanager
def _template_repo(versions: dict[Version, Path]) -> Iterator[Path]:
    """A scratch git repo with one commit and tag `v<version>` per template version."""
    with tempfile.TemporaryDirectory(prefix="aegis-template-") as scratch:
        repo = Path(scratch) / "project-template"
        repo.mkdir()
        _git(repo, "init", "-q", "-b", "main")
        for version in sorted(versions):
            for child in repo.iterdir():
                if child.name != ".git":
                    shutil.rmtree(child) if child.is_dir() else child.unlink()
            shutil.copytree(
                versions[version],
                repo,
                dirs_exist_ok=True,
                ignore=shutil.ignore_patterns("__pycache__"),
            )
            _git(repo, "add", "-A")
            _git(repo, *IDENTITY, "commit", "-q", "--allow-empty", "-m", f"template {version}")
            _git(repo, "tag", f"v{version}")
        yield repo


def _git(cwd: Path, *args: str) -> str:
    return run(
        ["git", *args], cwd=cwd, what=f"run git {args[0] if args[0] != '-c' else 'commit'}"
    ).stdout


def _prepare_clone(project: Project, clone: Path, repo: Path, old: Version) -> None:
    """Clone the project and point its answers at the scratch template repo and old tag."""
    _git(project.root.parent, "clone", "-q", str(project.root), str(clone))
    answers = clone / ANSWERS
    text = _set_answer(answers.read_text(), "_src_path", str(repo))
    answers.write_text(_set_answer(text, "_commit", f"v{old}"))
    _git(clone, "add", ANSWERS)
    _git(clone, *IDENTITY, "commit", "-q", "-m", "aegis: answers for the update")


def _set_answer(text: str, key: str, value: str) -> str:
    """Set one top-level answer line, adding it when absent (copier's file is flat YAML)."""
    line = f"{key}: {value}"
    pattern = re.compile(rf"^{re.escape(key)}:.*$", re.MULTILINE)
    return (
        pattern.sub(lambda _: line, text)
        if pattern.search(text)
        else text.rstrip("\n") + f"\n{line}\n"
    )


def _copier_update(clone: Path, new: Version) -> None:
    from copier import run_update
    from copier.errors import CopierError

    try:
        run_update(
            str(clone),
            vcs_ref=f"v{new}",
            data={"template_version": str(new)},
            defaults=True,
            overwrite=True,
            quiet=True,
            unsafe=False,
            skip_answered=True,
            conflict="inline",
        )
    except CopierError as exc:
        raise AegisError(f"copier could not update the project: {exc}") from None


def _collect(clone: Path, old: str, new: str) -> UpdateResult:
    """What copier changed in the clone, and which of those files hold conflict markers."""
    result = UpdateResult(old, new)
    status = _git(clone, "status", "--porcelain", "--untracked-files=all", "--no-renames")
    for line in status.splitlines():
        code, relative = line[:2], line[3:].strip('"')
        if "D" in code:
            result.deleted.append(relative)
            continue
        result.changed.append(relative)
        if CONFLICT_MARKER in (clone / relative).read_bytes():
            result.conflicts.append(relative)
    return result


def _apply(project: Project, clone: Path, result: UpdateResult) -> None:
    """Copy copier's result into the project as one transaction; keep the answers' source."""
    with transaction(project.root) as tx:
        for relative in result.changed:
            data = (clone / relative).read_bytes()
            if relative == ANSWERS:
                original = str(project.answers.get("_src_path", ""))
                data = _set_answer(data.decode(), "_src_path", original).encode()
            tx.write(relative, data)
        for relative in result.deleted:
            tx.delete(relative)
        tx.checkpoint("apply")
        if "pyproject.toml" in result.changed and "pyproject.toml" not in result.conflicts:
            from aegis_cli.lifecycle.deps import uv_sync

            tx.protect("uv.lock")
            tx.venv_touched = True
            uv_sync(project.root)
        tx.checkpoint("uv-sync")
