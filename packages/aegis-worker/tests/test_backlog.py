"""A backlog drains on real Redis: one worker process in burst mode, and two workers at once
claiming from the same queue (every job runs exactly once). No timing asserts: the speed is a
bench figure (bench/runtime_bench.py)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from aegis_worker.connection import connect
from aegis_worker.loadtest import enqueue_many, wait_for_results
from aegis_worker.settings import WorkerConfig
from arq.constants import result_key_prefix
from arq.jobs import JobResult

if TYPE_CHECKING:
    from conftest import Project

BACKLOG = 3000


async def enqueue_pings(config: WorkerConfig, count: int) -> list[str]:
    pool = connect(config.REDIS_URL, timeout=10, bounded=False)
    try:
        return await enqueue_many(pool, "ping", count, {}, config.queue_name("system"))
    finally:
        await pool.aclose()


async def results_and_backlog(config: WorkerConfig, ids: list[str]) -> tuple[list[JobResult], int]:
    """Every finished job's result (waiting up to 120 s), and what is still queued; then the
    results are deleted (they live outside the test's key prefix)."""
    pool = connect(config.REDIS_URL, timeout=10, bounded=False)
    try:
        results = await wait_for_results(pool, ids, timeout=120)
        left = await pool.zcard(config.queue_name("system"))
        for start in range(0, len(ids), 500):
            await pool.delete(*(result_key_prefix + job_id for job_id in ids[start : start + 500]))
        return results, left
    finally:
        await pool.aclose()


def test_a_burst_of_pings_drains_in_one_worker_process(project: Project) -> None:
    config = project.config()
    ids = asyncio.run(enqueue_pings(config, BACKLOG))

    burst = project.run("run", "system", "--burst")  # exits once the queue is empty

    assert burst.returncode == 0, burst.stderr
    results, left = asyncio.run(results_and_backlog(config, ids))
    assert left == 0
    assert len(results) == BACKLOG
    assert all(r.success and r.result["pong"] is True for r in results)


def test_two_workers_drain_one_backlog_and_run_each_job_once(project: Project) -> None:
    """Both claim batches from the same queue at once: a job claimed twice would run twice,
    and its second run would say `try` 2."""
    config = project.config()
    ids = asyncio.run(enqueue_pings(config, BACKLOG))

    project.start_worker("system", WORKER_MAX_JOBS="50")
    project.start_worker("system", WORKER_MAX_JOBS="50")

    results, left = asyncio.run(results_and_backlog(config, ids))
    assert len(results) == BACKLOG, "\n".join(w.log()[-2000:] for w in project.workers)
    assert left == 0
    assert {r.job_try for r in results} == {1}
    assert {r.result["try"] for r in results} == {1}
