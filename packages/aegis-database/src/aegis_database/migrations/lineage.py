"""Each migration branch's lineage, so the health check counts pending migrations without
importing alembic in the web process (alembic costs ~12 MB of RSS there).

    python -m aegis_database.migrations.lineage MIGRATIONS_DIR

prints `{"<branch label>": ["<head revision>", …, "<base revision>"]}` as JSON, read from the
installed migration scripts (the project's `MIGRATIONS_DIR/versions` and every registered
package's `versions/`). `installed_lineages` runs it once per process, in a short-lived
subprocess, during the database's warm-up; the health check then compares it in-process with
the revisions the database has applied (`SELECT version_num FROM alembic_version`).

Because the lineage is read once per process, a migration file that appears later (a new
`make migration`, an upgraded package) is counted only after a restart. A development server
(`uvicorn --reload`) restarts on file changes, so it sees a new project migration at once.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alembic.config import Config

    from aegis_database.settings import DatabaseSettings

Lineages = dict[str, list[str]]
"""Branch label → its revisions, newest first."""

LINEAGE_TIMEOUT = 120.0
"""Seconds the subprocess may take (imports on a loaded machine); bounded, never cached."""

_cache: dict[tuple[str, str], Lineages | LineageError] = {}
_lock = threading.Lock()


class LineageError(RuntimeError):
    """The installed migration scripts cannot be read; the message is one line."""


@dataclass(frozen=True)
class BranchStatus:
    label: str
    current: str | None
    head: str
    pending: int

    @property
    def state(self) -> str:
        return "up to date" if self.pending == 0 else f"{self.pending} pending"


def statuses(lineages: Lineages, current: set[str]) -> list[BranchStatus]:
    """Per branch: the newest applied revision (of `current`), the head, how many are pending."""
    result = []
    for label, lineage in lineages.items():
        here = next((rev for rev in lineage if rev in current), None)
        pending = lineage.index(here) if here else len(lineage)
        result.append(BranchStatus(label, here, lineage[0], pending))
    return sorted(result, key=lambda s: s.label)


def read_lineages(config: Config) -> Lineages:
    """The lineage of every head in `config`'s scripts (imports alembic)."""
    from alembic.script import Script, ScriptDirectory

    script = ScriptDirectory.from_config(config)
    lineages: Lineages = {}
    for head in script.get_revisions("heads"):
        assert isinstance(head, Script)
        label = ",".join(sorted(head.branch_labels)) or "(unlabelled)"
        lineages[label] = [r.revision for r in script.iterate_revisions(head.revision, "base")]
    return lineages


def installed_lineages(settings: DatabaseSettings) -> Lineages:
    """This project's lineages, read once per process by a subprocess (see the module doc).

    Raises `LineageError` when the scripts cannot be read (cached too: a broken migration is
    fixed by editing a file, which restarts a development server).
    """
    from aegis_core.project import project_dir

    root = project_dir()
    migrations = Path(settings.DATABASE_MIGRATIONS_DIR)
    migrations = migrations if migrations.is_absolute() else root / migrations
    key = (str(root), str(migrations))
    with _lock:
        if key not in _cache:
            _cache[key] = _run(root, migrations)
        found = _cache[key]
    if isinstance(found, LineageError):
        raise found
    return found


def _run(root: Path, migrations: Path) -> Lineages | LineageError:
    # This process's sys.path, so packages it can import (and their entry points) are seen.
    path = os.pathsep.join(p for p in sys.path if p)
    env = {**os.environ, "AEGIS_PROJECT_DIR": str(root), "PYTHONPATH": path}
    done = subprocess.run(
        [sys.executable, "-m", __name__, str(migrations)],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=LINEAGE_TIMEOUT,
        check=False,
    )
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines() or [f"exit status {done.returncode}"]
        return LineageError(lines[-1])
    lineages: Lineages = json.loads(done.stdout)
    return lineages


def main(argv: list[str]) -> int:
    from aegis_core.messages import one_line
    from aegis_core.project import project_dir

    from aegis_database.migrations.config import MigrationLayout, versions_config
    from aegis_database.migrations.sources import discover_sources

    try:
        where = MigrationLayout(project_dir(), Path(argv[0]), tuple(discover_sources()))
        lineages = read_lineages(versions_config(where))
    except Exception as exc:
        print(one_line(exc), file=sys.stderr)
        return 1
    print(json.dumps(lineages))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
