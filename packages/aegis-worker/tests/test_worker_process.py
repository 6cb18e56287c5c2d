"""Real worker OS processes on real Redis: user stubs, cron, kill -9, startup failures."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

import pytest
from aegis_worker import get_queue_pool
from aegis_worker.jobs import JobState, find_job
from aegis_worker.loadtest import wait_for_results
from aegis_worker.status import take_snapshot
from aegis_worker.testing import wait_for_workers
from arq.connections import ArqRedis
from arq.constants import retry_key_prefix

if TYPE_CHECKING:
    from conftest import Project

REPORT_SERVICE = """
def build_report(report_id: int) -> dict:
    return {"report_id": report_id, "status": "complete"}
"""

SYSTEM_STUB = """
import os

from arq import cron

from {package}.services.reports import build_report

CRON_MARK = os.environ["WORKER_QUEUE_PREFIX"] + ":cron-ran"


async def generate_report(ctx, report_id: int) -> dict:
    return build_report(report_id)


async def mark_cron(ctx) -> None:
    await ctx["redis"].set(CRON_MARK, "yes")


functions = [generate_report]


class WorkerSettings:
    cron_jobs = [cron(mark_cron, second=set(range(60)), run_at_startup=True)]
"""


async def test_user_stub_functions_and_cron_jobs_run_in_a_worker_process(
    project: Project,
) -> None:
    project.write("services/reports.py", REPORT_SERVICE)
    project.write("components/worker/queues/system.py", SYSTEM_STUB.format(package=project.package))
    worker = project.start_worker("system")
    pool, _ = await get_queue_pool("system")
    try:
        job = await pool.enqueue_job("generate_report", 7)
        assert job is not None
        assert await job.result(timeout=20, poll_delay=0.05) == {
            "report_id": 7,
            "status": "complete",
        }
        mark = f"{project.env['WORKER_QUEUE_PREFIX']}:cron-ran"
        for _ in range(100):
            if await pool.get(mark):
                break
            await asyncio.sleep(0.05)
        assert await pool.get(mark) == b"yes", worker.log()
    finally:
        await pool.aclose()


async def test_kill_9_mid_job_loses_no_job(project: Project) -> None:
    """Two workers die by SIGKILL mid-run; a third finishes every job, the killed ones retried."""
    options = {"WORKER_JOB_TIMEOUT": "2", "WORKER_MAX_JOBS": "4"}  # orphans re-run after 12 s
    config = project.config(**options)
    pool, queue = await get_queue_pool("load_test")
    try:
        slow = await pool.enqueue_job("io_task", delay_ms=1500)
        assert slow is not None
        jobs = [slow] + [await pool.enqueue_job("io_task", delay_ms=300) for _ in range(24)]
        ids = [job.job_id for job in jobs if job is not None]
        keys = {"load_test": queue}

        first = project.start_worker("load_test", **options)
        await _until_in_progress(pool, slow.job_id, keys)
        first.kill9()
        second = project.start_worker("load_test", **options)
        await wait_for_workers(config, "load_test")
        await asyncio.sleep(0.4)  # let it take jobs, then kill it in the middle of them
        second.kill9()
        last = project.start_worker("load_test", **options)

        results = await wait_for_results(pool, ids, timeout=60)
        assert len(results) == len(ids), last.log()
        assert all(r.success for r in results)
        tries = {r.job_id: r.job_try for r in results}
        assert tries[slow.job_id] >= 2
        assert sum(t > 1 for t in tries.values()) >= 2
        assert await pool.zcard(queue) == 0
    finally:
        await pool.aclose()


async def _until_in_progress(pool: ArqRedis, job_id: str, keys: dict[str, str]) -> None:
    """Until a worker runs the job: arq marks it in progress, then counts the try a moment
    later. A kill between the two is a try that never started, so wait for both."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        state = (await find_job(pool, job_id, keys)).state
        if state is JobState.IN_PROGRESS and await pool.exists(retry_key_prefix + job_id):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"job {job_id} never started")


async def test_sigterm_stops_cleanly_and_the_worker_leaves_at_once(project: Project) -> None:
    config = project.config(WORKER_HEALTH_CHECK_INTERVAL="30")  # would linger 31 s if not removed
    worker = project.start_worker("system", WORKER_HEALTH_CHECK_INTERVAL="30")
    await wait_for_workers(config, "system")
    assert worker.stop() == 0
    snapshot = await take_snapshot(config, ["system"])
    assert snapshot.queues[0].workers == 0
    assert "Traceback" not in worker.log()


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["run"], {"REDIS_URL": "redis://127.0.0.1:1/0"}, "cannot reach Redis at redis://127.0"),
        (["run"], {"REDIS_URL": "http://nowhere"}, "invalid REDIS_URL 'http://nowhere'"),
        (["run", "nope"], {}, "unknown queue 'nope'; known queues: system, load_test"),
    ],
)
def test_startup_failures_are_one_line_and_exit_1(
    project: Project, args: list[str], env: dict[str, str], message: str
) -> None:
    started = time.monotonic()
    done = project.run(*args, **env)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: {message}"), done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert time.monotonic() - started < 15


def test_a_broken_queue_module_stops_the_worker_with_its_name(project: Project) -> None:
    project.write("components/worker/queues/system.py", "functions = [print]\n")
    done = project.run("run")
    assert done.returncode == 1
    assert f"Error: {project.package}.components.worker.queues.system" in done.stderr
    assert "Traceback" not in done.stderr


async def test_sigterm_mid_job_hands_the_job_to_the_next_worker_at_once(project: Project) -> None:
    """Unlike SIGKILL, a graceful stop clears the in-progress marker: no 40 s wait."""
    options = {"WORKER_JOB_TIMEOUT": "30"}  # a SIGKILL'd job would wait 40 s
    pool, queue = await get_queue_pool("load_test")
    try:
        job = await pool.enqueue_job("io_task", delay_ms=3000)
        assert job is not None
        first = project.start_worker("load_test", **options)
        await _until_in_progress(pool, job.job_id, {"load_test": queue})
        assert first.stop() == 0
        project.start_worker("load_test", **options)
        result = None
        for _ in range(300):  # 15 s, well under the 40 s a SIGKILL would cost
            if (result := await job.result_info()) is not None:
                break
            await asyncio.sleep(0.05)
        assert result is not None and result.success and result.job_try == 2
    finally:
        await pool.aclose()


async def test_a_task_over_its_time_limit_is_stopped_and_frees_the_slot(project: Project) -> None:
    """The biggest `cpu_task` the API allows takes ~1 s; with a 0.2 s limit it is cancelled and
    the next job runs on the same single slot (no SIGKILL needed)."""
    project.start_worker("load_test", WORKER_JOB_TIMEOUT="0.2", WORKER_MAX_JOBS="1")
    pool, _ = await get_queue_pool("load_test")
    try:
        started = time.monotonic()
        hog = await pool.enqueue_job("cpu_task", iterations=1_000_000)
        after = await pool.enqueue_job("io_task", delay_ms=1, _defer_by=0.1)  # runs second
        assert hog is not None and after is not None
        assert await after.result(timeout=20, poll_delay=0.05) == 1
        assert time.monotonic() - started < 10
        info, next_info = await hog.result_info(), await after.result_info()
        assert info is not None and info.success is False
        assert isinstance(info.result, asyncio.TimeoutError)
        assert next_info is not None and info.finish_time <= next_info.start_time
    finally:
        await pool.aclose()
