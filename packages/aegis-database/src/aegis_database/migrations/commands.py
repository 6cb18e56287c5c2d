"""What `<slug> database upgrade | current | revision …` do, as plain functions.

Each wraps alembic's command API with the config from `config.alembic_config()` and first
checks that every branch is labelled, so a package that forgot its label fails with its name
instead of alembic's "multiple heads" puzzle later.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import Script, ScriptDirectory
from alembic.util import CommandError

from aegis_database.engine import build_engine
from aegis_database.migrations.config import MigrationLayout, alembic_config
from aegis_database.migrations.lineage import BranchStatus, read_lineages, statuses
from aegis_database.migrations.sources import PROJECT_BRANCH, MigrationSourceError
from aegis_database.settings import get_settings


def upgrade(revision: str = "heads", *, sql: bool = False) -> None:
    config = checked_config()
    check_target(config, revision)
    command.upgrade(config, revision, sql=sql)


def downgrade(revision: str, *, sql: bool = False) -> None:
    config = checked_config()
    check_target(config, revision)
    command.downgrade(config, revision, sql=sql)


def check_target(config: Config, revision: str) -> None:
    """Fail on a revision no branch knows before anything connects: alembic would open the
    database first (creating an empty SQLite file) and only then say it cannot find it."""
    script = ScriptDirectory.from_config(config)
    branch = revision.rpartition("@")[0]
    try:
        script.get_revisions(revision)
        known = not branch or bool(script.get_revisions(branch))
    except CommandError:
        known = False
    if not known:
        raise MigrationSourceError(
            f"unknown revision {revision!r}: pick one from the `history` command, "
            "or a relative one such as `app@-1`"
        )


def revision(message: str, *, autogenerate: bool = False, depends_on: str | None = None) -> Script:
    """A new revision on the project's own branch (`app`), started on first use."""
    config = checked_config()
    where: MigrationLayout = config.attributes["aegis_layout"]
    where.project_versions.mkdir(parents=True, exist_ok=True)
    script = ScriptDirectory.from_config(config)
    started = any(PROJECT_BRANCH in rev.branch_labels for rev in script.walk_revisions())
    result = command.revision(
        config,
        message=message,
        autogenerate=autogenerate,
        head=f"{PROJECT_BRANCH}@head" if started else "base",
        branch_label=None if started else PROJECT_BRANCH,
        version_path=str(where.project_versions),
        depends_on=depends_on,
    )
    scripts = result if isinstance(result, list) else [result]
    created = [s for s in scripts if s is not None]
    if not created:
        raise MigrationSourceError("alembic wrote no revision")
    if created[0].path:
        tidy(Path(created[0].path))
    return created[0]


def tidy(path: Path) -> None:
    """Run the project's ruff over a new revision (fix, then format), if ruff is installed.

    Autogenerate writes single quotes, long lines and unused imports: without this, the first
    `make migration` makes the project's own `make lint` fail. The project's ruff settings
    apply (ruff reads the nearest pyproject.toml); what ruff cannot fix is left for the user.
    """
    ruff = _ruff()
    if ruff is None:
        return
    for arguments in (["check", "--fix", "--exit-zero", "--quiet"], ["format", "--quiet"]):
        subprocess.run(
            [ruff, *arguments, str(path)],
            cwd=path.parent,
            capture_output=True,
            timeout=120,
            check=False,
        )


def _ruff() -> str | None:
    """The ruff of this environment (the project's dev tools), else one on PATH."""
    here = Path(sys.executable).parent
    return shutil.which("ruff", path=str(here)) or shutil.which("ruff")


def status() -> list[BranchStatus]:
    """Per branch: the database's revision, the newest one installed, how many are pending."""
    config = checked_config()
    return branch_status(config, set(_current_heads(config)))


def branch_status(config: Config, current: set[str]) -> list[BranchStatus]:
    """Compare the revisions applied (`current`) with every branch's head."""
    return statuses(read_lineages(config), current)


def _current_heads(config: Config) -> tuple[str, ...]:
    engine = build_engine(config.attributes["aegis_url"], get_settings(), pooled=False)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_heads()
    finally:
        engine.dispose()


def checked_config() -> Config:
    config = alembic_config()
    check_branch_labels(config)
    return config


def check_branch_labels(config: Config) -> None:
    """Every base revision must carry the label of the folder it ships in."""
    where: MigrationLayout = config.attributes["aegis_layout"]
    expected = {str(where.project_versions.resolve()): PROJECT_BRANCH}
    expected.update({str(s.versions.resolve()): s.label for s in where.sources if s.versions})
    script = ScriptDirectory.from_config(config)
    for rev in script.walk_revisions():
        if rev.down_revision is not None or rev.path is None:
            continue
        folder = str(Path(rev.path).resolve().parent)
        label = expected.get(folder)
        if label is not None and label not in rev.branch_labels:
            raise MigrationSourceError(
                f"base revision {rev.revision} in {folder} must declare "
                f"branch_labels = ({label!r},)"
            )
