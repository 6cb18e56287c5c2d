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
def start_private_redis() -> Iterator[str]:
    """A throwaway `redis-server` on a free port (for outage tests, or when none runs)."""
    from aegis_core.testing.servers import free_port, wait_for_port

    binary = shutil.which("redis-server")
    if binary is None:
        raise MissingPrerequisite("redis-server (apt-get install redis-server)")
    port = free_port()
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
            process.terminate()
            process.wait(timeout=10)


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


def wait_until(predicate: Callable[[], object], timeout: float, interval: float = 0.05) -> bool:
    """Poll `predicate` until it is truthy or `timeout` seconds pass; its last verdict."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return bool(predicate())
