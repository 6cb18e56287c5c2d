"""Test support: real worker OS processes and a Redis that can be stopped and brought back.

Used by aegis-worker's own tests and usable from a project's component tests.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from aegis_worker.settings import WorkerConfig
from aegis_worker.status import take_snapshot


@dataclass
class WorkerProcess:
    """`python -m aegis_worker run …` running as its own OS process, logging to a file."""

    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill9(self) -> None:
        """Die like an OOM kill or a pulled plug: no cleanup, jobs left in progress."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self, timeout: float = 15) -> int:
        """SIGTERM (graceful), SIGKILL after `timeout`; the exit code."""
        from aegis_core.testing import stop_process

        return stop_process(self.process, timeout)


def start_worker(
    args: list[str], *, env: Mapping[str, str], cwd: str | Path | None = None
) -> WorkerProcess:
    """Start `python -m aegis_worker run <args>` with `env` (REDIS_URL, WORKER_*, …)."""
    with tempfile.NamedTemporaryFile("wb", suffix=".log", delete=False) as log:
        log_path = Path(log.name)
    command = [sys.executable, "-m", "aegis_worker", "run", *args]
    with open(log_path, "wb") as log_file:
        process = subprocess.Popen(
            command, cwd=cwd, env=dict(env), stdout=log_file, stderr=subprocess.STDOUT
        )
    return WorkerProcess(process, log_path)


async def wait_for_workers(
    config: WorkerConfig, queue: str, count: int = 1, timeout: float = 30
) -> None:
    """Return once `count` workers announce themselves on `queue` (a process takes ~1 s)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        snapshot = await take_snapshot(config, [queue])
        if snapshot.queues and snapshot.queues[0].workers >= count:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"fewer than {count} live worker(s) on {queue} after {timeout}s")
