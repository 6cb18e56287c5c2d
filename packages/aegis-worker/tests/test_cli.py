"""`<slug> worker …` through the project CLI that aegis-core assembles, in real processes."""

from __future__ import annotations

import json
import socket
import subprocess
from typing import TYPE_CHECKING

import pytest
from aegis_worker.testing import wait_for_workers

if TYPE_CHECKING:
    from conftest import Project


def slug(project: Project, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return project.cli(*args, **env)


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


async def test_alive_vouches_for_this_hosts_worker_process_alone(project: Project) -> None:
    """A worker container's healthcheck: red before its process serves and after it stops,
    though Redis answers all along; another host's worker does not count."""
    from aegis_worker.liveness import live_processes

    before = slug(project, "worker", "alive", "load_test")
    assert before.returncode == 1
    assert before.stderr.startswith(f"Error: no worker process on {socket.gethostname()}")
    worker = project.start_worker("load_test")
    await wait_for_workers(project.config(), "load_test")
    alive = slug(project, "worker", "alive", "load_test")
    assert alive.returncode == 0, alive.stderr
    assert f"load_test: {socket.gethostname()}:{worker.process.pid}:" in alive.stdout
    assert slug(project, "worker", "alive", "system").returncode == 1
    assert await live_processes(project.config(), "load_test", host="elsewhere") == []
    assert worker.stop() == 0
    assert slug(project, "worker", "alive", "load_test").returncode == 1
    down = slug(project, "worker", "alive", "load_test", REDIS_URL="redis://127.0.0.1:1/0")
    assert down.returncode == 1 and "cannot reach Redis" in down.stderr


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
    assert "no live worker on the load_test queue; start one with `demo worker run load_test`" in (
        done.stderr
    )
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--work", "-5"], "--work for --type io (delay_ms) must be between 0 and 10000, got -5"),
        (["--type", "cpu", "--work", str(10**15)], "must be between 1 and 1000000"),
        (["--type", "memory", "--work", "0"], "must be between 1 and 32768, got 0"),
        (["--tasks", "0"], "--tasks must be between 1 and 100000, got 0"),
        (["--timeout", "-1"], "--timeout must be in (0, 3600] seconds, got -1"),
    ],
)
def test_load_test_refuses_out_of_range_options_in_one_line(
    project: Project, options: list[str], message: str
) -> None:
    done = slug(project, "load-test", "run", *options)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and message in lines[0]
