"""The OpenAPI document matches the server: schemathesis fuzzes a generated project with every
available component (database, scheduler, worker) on a real uvicorn, Redis and worker process.

All of schemathesis's checks, positive and negative data, the stateful phase (enqueue → read
the job through the documented links), bounded per operation and in response time.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import redis
from aegis_core.testing import wait_until

from tests.conftest import PROJECT_NAME
from tests.support import aegis, serve_project, venv_bin

EXAMPLES_PER_OPERATION = 50
MAX_RESPONSE_TIME_S = 10
RUN_TIMEOUT_S = 600
SEED = os.environ.get("AEGIS_FUZZ_SEED", "20261130")
"""Fixed, so a failure replays; set AEGIS_FUZZ_SEED to explore other inputs."""


def test_every_route_answers_as_its_openapi_document_says(
    project: Path, redis_url: str, tmp_path: Path
) -> None:
    added = aegis(
        "add", "database,scheduler,worker", "--project-path", str(project), "--yes", cwd=project
    )
    assert added.returncode == 0, added.output
    prefix = f"schema:{uuid.uuid4().hex[:8]}"
    env = {
        **{k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"},
        "REDIS_URL": redis_url,
        "WORKER_QUEUE_PREFIX": prefix,
        "WORKER_KEEP_RESULT": "120",
        "WORKER_MAX_JOBS": "2",  # fuzzed cpu/memory jobs must not starve the machine
        "WORKER_POLL_DELAY": "0.05",
        # A worker counts as alive for interval + 1 s: on a busy machine a 1 s beat can be
        # late, and /health would then (rightly) say 503 for jobs due with no live worker.
        "WORKER_HEALTH_CHECK_INTERVAL": "5",
    }
    try:
        with worker(project, env), serve_project(project, PROJECT_NAME, env) as url:
            paths = httpx.get(f"{url}/openapi.json", timeout=15).json()["paths"]
            assert {"/api/worker/tasks/cpu_task", "/api/worker/jobs/{job_id}/result"} <= set(paths)
            healthy = wait_until(lambda: httpx.get(f"{url}/health", timeout=15).is_success, 30)
            assert healthy, httpx.get(f"{url}/health/detailed", timeout=15).text  # worker alive
            done = schemathesis(url, tmp_path)
    finally:
        delete_keys(redis_url, prefix)
    report = done.stdout[-6000:] + done.stderr[-2000:]
    assert done.returncode == 0, report
    assert "No issues found" in done.stdout, report
    assert "✅ Stateful" in done.stdout and "API Links:" in done.stdout, report
    tested = re.search(r"Selected: (\d+)/(\d+)\s+Tested: (\d+)", done.stdout)
    assert tested is not None and len(set(tested.groups())) == 1, report  # every operation


def schemathesis(url: str, report_dir: Path) -> subprocess.CompletedProcess[str]:
    """`schemathesis run` with every check, in both modes, every phase, bounded."""
    command = [
        str(Path(sys.executable).parent / "schemathesis"),
        "--no-color",
        "run",
        f"{url}/openapi.json",
        "--checks",
        "all",
        "--mode",
        "all",
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--max-examples",
        str(EXAMPLES_PER_OPERATION),
        "--max-response-time",
        str(MAX_RESPONSE_TIME_S),
        "--request-timeout",
        "15",
        "--workers",
        "1",
        "--seed",
        SEED,
        "--report-dir",
        str(report_dir),
    ]
    return subprocess.run(
        command, capture_output=True, text=True, timeout=RUN_TIMEOUT_S, cwd=report_dir
    )


def delete_keys(url: str, prefix: str) -> None:
    """This run's queues on the shared Redis (never FLUSHALL); job results expire on their own."""
    client = redis.Redis.from_url(url, socket_timeout=5)
    try:
        keys = list(client.scan_iter(match=f"{prefix}*", count=500))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


@contextmanager
def worker(project: Path, env: dict[str, str]) -> Iterator[None]:
    """A worker process for every queue, so jobs the fuzzer enqueues really run."""
    log = project / "worker.log"
    with open(log, "wb") as out:
        child = subprocess.Popen(
            [venv_bin(project, PROJECT_NAME), "worker", "run"],
            cwd=project,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        yield
    finally:
        child.terminate()
        child.wait(timeout=30)
