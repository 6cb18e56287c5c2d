"""What `<slug> database upgrade | current | revision …` do, as plain functions.

Each wraps alembic's command API with the config from `config.alembic_config()` and first
checks that every branch is labelled, so a package that forgot its label fails with its name
instead of alembic's "multiple heads" puzzle later.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import Script, ScriptDirectory

from aegis_database.engine import build_engine
from aegis_database.migrations.config import MigrationLayout, alembic_config
from aegis_database.migrations.sources import PROJECT_BRANCH, MigrationSourceError
from aegis_database.settings import get_settings


@dataclass(frozen=True)
class BranchStatus:
    label: str
    current: str | None
    head: str
    pending: int

    @property
    def state(self) -> str:
        return "up to date" if self.pending == 0 else f"{self.pending} pending"


def upgrade(revision: str = "heads", *, sql: bool = False) -> None:
    config = checked_config()
    command.upgrade(config, revision, sql=sql)


def downgrade(revision: str, *, sql: bool = False) -> None:
    config = checked_config()
    command.downgrade(config, revision, sql=sql)


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
    return created[0]


def status() -> list[BranchStatus]:
    """Per branch: the database's revision, the newest one installed, how many are pending."""
    config = checked_config()
    return branch_status(config, set(_current_heads(config)))


def branch_status(config: Config, current: set[str]) -> list[BranchStatus]:
    """Compare the revisions applied (`current`) with every branch's head."""
    script = ScriptDirectory.from_config(config)
    statuses = []
    for head in script.get_revisions("heads"):
        assert isinstance(head, Script)
        lineage = [r.revision for r in script.iterate_revisions(head.revision, "base")]
        here = next((rev for rev in lineage if rev in current), None)
        pending = lineage.index(here) if here else len(lineage)
        label = ",".join(sorted(head.branch_labels)) or "(unlabelled)"
        statuses.append(BranchStatus(label, here, head.revision, pending))
    return sorted(statuses, key=lambda s: s.label)


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
