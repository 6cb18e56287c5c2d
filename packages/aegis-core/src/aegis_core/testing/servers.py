"""Run a real uvicorn server in a subprocess on a free port, and wait until it answers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from aegis_core.health.runner import STARTING


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(host: str, port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on {host}:{port} after {timeout}s")


@dataclass
class RunningServer:
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def get(self, path: str, **kwargs: object) -> httpx.Response:
        return httpx.get(f"{self.url}{path}", timeout=kwargs.pop("timeout", 10), **kwargs)  # type: ignore[arg-type]


@contextmanager
def run_server(
    app: str = "app.main:app",
    *,
    cwd: str | Path | None = None,
    env: Mapping[str, str] | None = None,
    python: str | Sequence[str] = sys.executable,
    ready_path: str = "/health",
    timeout: float = 60,
    port: int | None = None,
) -> Iterator[RunningServer]:
    """Start `uvicorn <app>` and yield once `ready_path` answers (any status, and no longer
    "starting" at `/health`: the first health run has finished); always stop it.

    `port` (default: a free one) lets a test start a server again where the last one was,
    as a restarted server would be, for pages that must reconnect by themselves."""
    port = port or free_port()
    command = [*([python] if isinstance(python, str) else python)]
    command += ["-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port)]
    full_env = {**os.environ, **(env or {})}
    with tempfile.NamedTemporaryFile("wb", suffix=".log", delete=False) as log:
        log_path = Path(log.name)
    with open(log_path, "wb") as log_file:
        process = subprocess.Popen(
            command, cwd=cwd, env=full_env, stdout=log_file, stderr=subprocess.STDOUT
        )
    server = RunningServer(f"http://127.0.0.1:{port}", process, log_path)
    try:
        _wait_ready(server, ready_path, timeout)
        yield server
    finally:
        stop_process(process)


def stop_process(process: subprocess.Popen[bytes], timeout: float = 15) -> int:
    """SIGTERM (a graceful stop), SIGKILL after `timeout` seconds; the exit code."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode


def _wait_ready(server: RunningServer, path: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"server exited with {server.process.returncode}:\n{server.log()}")
        try:
            response = httpx.get(f"{server.url}{path}", timeout=2)
        except httpx.HTTPError:
            time.sleep(0.1)
            continue
        if STARTING not in response.text:  # health says "starting" until the first run is done
            return
        time.sleep(0.1)
    raise TimeoutError(f"server not ready after {timeout}s:\n{server.log()}")
