"""Measure the job pipeline: enqueue N load-test jobs, wait for all, report rate and latency.

Latency is arq's own bookkeeping, enqueue time to finish time of each job, so it includes
queueing; throughput is jobs finished per second from the first enqueue to the last finish.
Needs a live worker on the `load_test` queue (`my-api worker run load_test`).
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from arq.connections import ArqRedis
from arq.constants import result_key_prefix
from arq.jobs import JobResult, deserialize_result

from aegis_worker.connection import REDIS_ERRORS, close, connect, unavailable
from aegis_worker.errors import LoadTestError
from aegis_worker.settings import WorkerConfig
from aegis_worker.status import take_snapshot
from aegis_worker.tasks import LOAD_TEST_TASKS, MAX_DELAY_MS, MAX_ITERATIONS, MAX_SIZE_KB

WORK_PARAMETER = {"cpu": "iterations", "io": "delay_ms", "memory": "size_kb"}
WORK_RANGE = {"cpu": (1, MAX_ITERATIONS), "io": (0, MAX_DELAY_MS), "memory": (1, MAX_SIZE_KB)}
"""The same bounds the tasks themselves declare (and the API enforces)."""
MAX_TASKS = 100_000
MAX_TIMEOUT_S = 3600.0
ENQUEUE_CONCURRENCY = 50
POLL_S = 0.05


@dataclass(frozen=True)
class LoadTestReport:
    kind: str
    enqueued: int
    completed: int
    failed: int
    elapsed_s: float
    throughput: float
    p50_ms: float
    p95_ms: float
    p99_ms: float

    def lines(self) -> list[str]:
        return [
            f"{self.kind}: {self.completed}/{self.enqueued} jobs done, {self.failed} failed",
            f"throughput: {self.throughput:.1f} jobs/s over {self.elapsed_s:.2f} s",
            f"latency (enqueue → done): p50 {self.p50_ms:.1f} ms, "
            f"p95 {self.p95_ms:.1f} ms, p99 {self.p99_ms:.1f} ms",
        ]


def check_options(kind: str, tasks: int, work: int | None, timeout: float) -> None:
    """Refuse out-of-range options before anything is enqueued, naming the allowed range."""
    if kind not in LOAD_TEST_TASKS:
        raise LoadTestError(f"unknown type {kind!r}; choose one of {', '.join(LOAD_TEST_TASKS)}")
    if not 1 <= tasks <= MAX_TASKS:
        raise LoadTestError(f"--tasks must be between 1 and {MAX_TASKS}, got {tasks}")
    if not 0 < timeout <= MAX_TIMEOUT_S:
        raise LoadTestError(f"--timeout must be in (0, {MAX_TIMEOUT_S:g}] seconds, got {timeout:g}")
    low, high = WORK_RANGE[kind]
    if work is not None and not low <= work <= high:
        raise LoadTestError(
            f"--work for --type {kind} ({WORK_PARAMETER[kind]}) must be between {low} and "
            f"{high}, got {work}"
        )


async def run_load_test(
    config: WorkerConfig,
    kind: str,
    tasks: int,
    *,
    work: int | None = None,
    timeout: float = 120,
    command: str = "worker",
) -> LoadTestReport:
    """Enqueue `tasks` jobs of `kind` (cpu, io, memory) on `load_test` and measure them.

    `command` is how the user runs the worker CLI (`my-api worker`), for the hints we print."""
    check_options(kind, tasks, work, timeout)
    await require_worker(config, command)
    kwargs = {} if work is None else {WORK_PARAMETER[kind]: work}
    pool = connect(config.REDIS_URL, timeout=10.0, bounded=False)
    try:
        function = LOAD_TEST_TASKS[kind].__name__
        queue = config.queue_name("load_test")
        ids = await enqueue_many(pool, function, tasks, kwargs, queue)
        results = await wait_for_results(pool, ids, timeout)
    except REDIS_ERRORS as exc:
        raise LoadTestError(str(unavailable(config.REDIS_URL, exc))) from None
    finally:
        await close(pool)
    if len(results) < len(ids):
        raise LoadTestError(
            f"only {len(results)} of {len(ids)} jobs finished within {timeout:g}s; "
            "is the load_test worker keeping up?"
        )
    return summarize(kind, results)


async def require_worker(config: WorkerConfig, command: str) -> None:
    """Refuse to enqueue a load test nobody would run (it would only time out)."""
    snapshot = await take_snapshot(config, ["load_test"])
    if snapshot.error:
        raise LoadTestError(snapshot.error)
    if not snapshot.queues[0].workers:
        raise LoadTestError(
            f"no live worker on the load_test queue; start one with `{command} run load_test`"
        )


async def enqueue_many(
    pool: ArqRedis, function: str, count: int, kwargs: dict[str, Any], queue: str
) -> list[str]:
    """Enqueue `count` jobs, `ENQUEUE_CONCURRENCY` at a time; their ids in order."""
    ids: list[str] = []
    for start in range(0, count, ENQUEUE_CONCURRENCY):
        batch = range(start, min(start + ENQUEUE_CONCURRENCY, count))
        jobs = await asyncio.gather(
            *(pool.enqueue_job(function, _queue_name=queue, **kwargs) for _ in batch)
        )
        ids += [job.job_id for job in jobs if job is not None]
    return ids


async def wait_for_results(pool: ArqRedis, ids: Sequence[str], timeout: float) -> list[JobResult]:
    """Poll arq's result keys until every job finished or `timeout` passed."""
    pending = list(ids)
    done: list[JobResult] = []
    deadline = time.monotonic() + timeout
    while pending and time.monotonic() < deadline:
        raw = await pool.mget([result_key_prefix + job_id for job_id in pending])
        done += [deserialize_result(value) for value in raw if value]
        pending = [job_id for job_id, value in zip(pending, raw, strict=True) if not value]
        if pending:
            await asyncio.sleep(POLL_S)
    return done


def summarize(kind: str, results: Sequence[JobResult]) -> LoadTestReport:
    latencies = sorted((r.finish_time - r.enqueue_time).total_seconds() * 1000 for r in results)
    first = min(r.enqueue_time for r in results)
    last = max(r.finish_time for r in results)
    elapsed = max((last - first).total_seconds(), 1e-3)
    return LoadTestReport(
        kind=kind,
        enqueued=len(results),
        completed=sum(r.success for r in results),
        failed=sum(not r.success for r in results),
        elapsed_s=elapsed,
        throughput=len(results) / elapsed,
        p50_ms=percentile(latencies, 50),
        p95_ms=percentile(latencies, 95),
        p99_ms=percentile(latencies, 99),
    )


def percentile(sorted_values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile of an already sorted list (0.0 for an empty one)."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(pct / 100 * len(sorted_values)))
    return sorted_values[rank - 1]
