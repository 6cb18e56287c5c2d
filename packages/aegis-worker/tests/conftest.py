"""Real parts for the worker's tests: a throwaway project package, worker OS processes, Redis.

Every test gets its own queue prefix (`aegis-test:<hex>`), so tests share the machine's Redis
without seeing each other's jobs; its keys are deleted afterwards (never FLUSHALL).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import redis
from aegis_core.testing import require
from aegis_worker.settings import WorkerConfig, get_settings
from aegis_worker.testing import WorkerProcess, start_worker

PROJECT_CLI = "from aegis_core.cli import build_cli; build_cli('demo')()"
FAST_WORKER_ENV = {
    "WORKER_POLL_DELAY": "0.02",
    "WORKER_HEALTH_CHECK_INTERVAL": "0.5",
    "WORKER_KEEP_RESULT": "300",
    "WORKER_LOG_LEVEL": "INFO",
    "AEGIS_COMPONENTS": "worker",
    "DASHBOARD_ENABLED": "false",
}


@dataclass
class Project:
    """A user project package on sys.path, with its env for in-process and subprocess use."""

    root: Path
    package: str
    env: dict[str, str]
    workers: list[WorkerProcess] = field(default_factory=list)

    def write(self, relative: str, source: str) -> Path:
        """Write `<package>/<relative>`, creating `__init__.py` files on the way."""
        path = self.root / self.package / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        for parent in path.relative_to(self.root).parents:
            if parent != Path("."):
                (self.root / parent / "__init__.py").touch()
        path.write_text(textwrap.dedent(source))
        return path

    def config(self, **overrides: str) -> WorkerConfig:
        values = {**self.env, **overrides}
        return WorkerConfig.model_validate(
            {k: v for k, v in values.items() if k in WorkerConfig.model_fields}
        )

    def start_worker(self, *args: str, **extra_env: str) -> WorkerProcess:
        worker = start_worker(list(args), env={**self.env, **extra_env}, cwd=self.root)
        self.workers.append(worker)
        return worker

    def cli(self, *args: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
        """`demo <args>`: the project's own CLI, with the worker sub-app mounted by aegis-core."""
        return self._python("-c", PROJECT_CLI, *args, **extra_env)

    def run(self, *args: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
        """Run `python -m aegis_worker <args>` to completion."""
        return self._python("-m", "aegis_worker", *args, **extra_env)

    def _python(self, *args: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, *args],
            cwd=self.root,
            env={**self.env, **extra_env},
            capture_output=True,
            text=True,
            timeout=120,
        )


@pytest.fixture
def project(tmp_path: Path, redis_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Project]:
    package = f"proj_{uuid.uuid4().hex[:10]}"
    prefix = f"aegis-test:{uuid.uuid4().hex[:12]}"
    (tmp_path / package).mkdir()
    (tmp_path / package / "__init__.py").touch()
    settings = {
        **FAST_WORKER_ENV,
        "REDIS_URL": redis_url,
        "WORKER_QUEUE_PREFIX": prefix,
        "AEGIS_PROJECT_PACKAGE": package,
    }
    for key, value in settings.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()  # settings are read once per process: read this test's
    monkeypatch.syspath_prepend(str(tmp_path))
    python_path = os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")]))
    project = Project(tmp_path, package, {**os.environ, **settings, "PYTHONPATH": python_path})
    try:
        yield project
    finally:
        for worker in project.workers:
            worker.stop()
        _delete_prefix(redis_url, prefix)
        get_settings.cache_clear()


def _delete_prefix(url: str, prefix: str) -> None:
    """Remove this test's keys from the shared Redis (never FLUSHALL)."""
    try:
        client = redis.Redis.from_url(url, socket_timeout=2)
        keys = list(client.scan_iter(match=f"{prefix}*", count=500))
        if keys:
            client.delete(*keys)
        client.close()
    except redis.RedisError:
        pass  # the test's own Redis is already gone


@pytest.fixture
def redis_binary() -> None:
    """Outage tests start and stop their own `redis-server`: fail (CI) or skip without it."""
    require(shutil.which("redis-server") is not None, "redis-server (apt-get install redis-server)")
