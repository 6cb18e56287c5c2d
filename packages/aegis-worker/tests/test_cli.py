"""`<slug> worker …` through the project CLI that aegis-core assembles, in real processes."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import TYPE_CHECKING

from aegis_worker.testing import wait_for_workers

if TYPE_CHECKING:
    from conftest import Project

PROJECT_CLI = "from aegis_core.cli.main import build_cli; build_cli('demo')()"


def slug(project: Project, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`demo <args>`: the project's own CLI, with the worker sub-app mounted by aegis-core."""
    return subprocess.run(
        [sys.executable, "-c", PROJECT_CLI, *args],
        cwd=project.root,
        env={**project.env, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


async def test_status_shows_queues_depth_and_live_workers(project: Project) -> None:
    project.start_worker("load_test")
    await wait_for_workers(project.config(), "load_test")
    done = slug(project, "worker", "status", "--json")
    assert done.returncode == 0, done.stderr
    queues = {q["name"]: q for q in json.loads(done.stdout)["queues"]}
    assert queues["load_test"]["workers"] == 1 and queues["system"]["workers"] == 0
    assert queues["system"]["ready"] == 0
    table = slug(project, "worker", "status")
    assert "load_test" in table.stdout and "Redis" in table.stdout


def test_status_with_redis_down_is_one_line_and_exit_1(project: Project) -> None:
    done = slug(project, "worker", "status", REDIS_URL="redis://127.0.0.1:1/0")
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        "Error: cannot reach Redis at redis://127.0.0.1:1/0"
    )
    assert "Traceback" not in done.stderr


async def test_load_test_reports_throughput_and_latency_percentiles(project: Project) -> None:
    """Both names run it: `<slug> worker load-test` and the documented `<slug> load-test run`."""
    project.start_worker("load_test")
    await wait_for_workers(project.config(), "load_test")
    done = slug(project, "worker", "load-test", "--type", "io", "--tasks", "60", "--work", "5")
    assert done.returncode == 0, done.stderr
    assert "io: 60/60 jobs done, 0 failed" in done.stdout
    assert "throughput:" in done.stdout and "p99" in done.stdout
    measured = slug(project, "load-test", "run", "--type", "cpu", "--tasks", "30", "--json")
    report = json.loads(measured.stdout)
    assert report["completed"] == 30 and report["failed"] == 0
    assert report["throughput"] > 0
    assert 0 <= report["p50_ms"] <= report["p95_ms"] <= report["p99_ms"]


def test_load_test_without_a_worker_says_how_to_start_one(project: Project) -> None:
    done = slug(project, "worker", "load-test", "--tasks", "5")
    assert done.returncode == 1
    assert "no live worker on the load_test queue" in done.stderr
    assert "Traceback" not in done.stderr
