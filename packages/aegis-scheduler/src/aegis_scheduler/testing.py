"""Test helpers: a throwaway project and real scheduler processes started from it.

Used by aegis-scheduler's own tests; a project's tests may use them to show a job really runs
in a separate scheduler process (`Project.start()`), not just that it registers.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Project:
    root: Path
    env: dict[str, str]
    processes: list[subprocess.Popen[str]] = field(default_factory=list)

    @property
    def marks(self) -> Path:
        return self.root / "marks.txt"

    def mark_count(self) -> int:
        return len(self.marks.read_text().splitlines()) if self.marks.exists() else 0

    def write_jobs(self, source: str) -> None:
        folder = self.root / "app" / "components"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "scheduler.py").write_text(textwrap.dedent(source))

    def start(self, **env: str) -> subprocess.Popen[str]:
        """`python -m aegis_scheduler run`: a real, separate scheduler process."""
        log = open(self.root / f"scheduler-{len(self.processes)}.log", "w")  # noqa: SIM115
        process = subprocess.Popen(
            [sys.executable, "-m", "aegis_scheduler", "run"],
            cwd=self.root,
            env={**self.env, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.processes.append(process)
        return process

    def log(self, index: int = -1) -> str:
        logs = sorted(self.root.glob("scheduler-*.log"))
        return logs[index].read_text() if logs else ""

    def stop(self, process: subprocess.Popen[str]) -> int:
        process.send_signal(signal.SIGTERM)
        return process.wait(timeout=20)

    def cli(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "aegis_scheduler", *args],
            cwd=self.root,
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=120,
        )
