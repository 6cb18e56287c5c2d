"""Test support: real worker OS processes and a Redis that can be stopped and brought back.

Used by aegis-worker's own tests and usable from a project's component tests.
"""

from __future__ import annotations

import asyncio
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
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
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


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


def wait_until(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll `predicate` every 50 ms; fail naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


@contextmanager
def redis_server_on(port: int) -> Iterator[str]:
    """A private `redis-server` on a given port: brings Redis back where it was after a stop."""
    from aegis_core.testing.servers import wait_for_port
    from aegis_core.testing.services import MissingPrerequisite

    binary = shutil.which("redis-server")
    if binary is None:
        raise MissingPrerequisite("redis-server (apt-get install redis-server)")
    with tempfile.TemporaryDirectory() as data_dir:
        command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
        process = subprocess.Popen(
            [*command, "--dir", data_dir], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            wait_for_port("127.0.0.1", port, timeout=10)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            process.terminate()
            process.wait(timeout=10)
