"""A load test started from the dashboard: it runs in the web process, in the background, and
publishes its progress to Redis, where the worker's health (and so its card) reads it.

The action returns at once (an action has 30 s; a load test may take minutes), and the card
shows jobs done, throughput and p50/p95 every refresh while it runs. Progress lives in Redis
rather than in this process so every web process (and `/health`) sees the same test, and only
one runs at a time. A test whose process died stops counting as running after `STALE_S`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from contextlib import suppress
from typing import Any

from arq.connections import ArqRedis
from arq.constants import result_key_prefix
from arq.jobs import JobResult, deserialize_result

from aegis_worker.connection import REDIS_ERRORS, close, connect, unavailable
from aegis_worker.errors import LoadTestError
from aegis_worker.loadtest import check_options, enqueue_many, require_worker
from aegis_worker.loadtest import summarize as summarize_results
from aegis_worker.settings import WorkerConfig
from aegis_worker.status import LOAD_TEST_QUEUE, progress_key
from aegis_worker.tasks import LOAD_TEST_TASKS

MAX_JOBS = 10_000
"""A dashboard click may queue this many jobs at most (the CLI allows more)."""
TIMEOUT_S = 300.0
PUBLISH_S = 0.5
POLL_S = 0.2
STALE_S = 30.0
PROGRESS_TTL_S = 3600
RUNNING, FINISHED, STOPPED = "running", "finished", "stopped"

logger = logging.getLogger("aegis.worker")
_tasks: set[asyncio.Task[None]] = set()


def is_live(progress: dict[str, Any] | None, now: float | None = None) -> bool:
    """A test is running, and its process said so less than `STALE_S` ago."""
    if not progress or progress.get("state") != RUNNING:
        return False
    return (now or time.time()) - float(progress.get("updated", 0)) < STALE_S


async def start(config: WorkerConfig, kind: str, jobs: int, command: str = "worker") -> str:
    """Check, then start the test in the background; the line the person reads."""
    check_options(kind, jobs, None, TIMEOUT_S)
    if jobs > MAX_JOBS:
        raise LoadTestError(f"at most {MAX_JOBS} jobs from the dashboard, got {jobs}")
    await require_worker(config, command)
    pool = connect(config.REDIS_URL, timeout=10.0, bounded=False)
    try:
        current = await pool.get(progress_key(config))
    except REDIS_ERRORS as exc:
        await close(pool)
        raise unavailable(config.REDIS_URL, exc) from None
    if is_live(json.loads(current) if current else None):
        await close(pool)
        raise LoadTestError("a load test is already running; see the Worker card")
    progress = Progress(kind, jobs)
    await progress.publish(pool, config)
    task = asyncio.create_task(_run(pool, config, progress), name="aegis-load-test")
    _tasks.add(task)
    task.add_done_callback(_tasks.discard)
    return f"started {jobs} {kind} jobs on {LOAD_TEST_QUEUE}; the Worker card shows the progress"


async def stop_all() -> None:
    """At shutdown: a test must not outlive the event loop (its card says it stopped)."""
    for task in list(_tasks):
        task.cancel()
    await asyncio.gather(*_tasks, return_exceptions=True)


class Progress:
    """What the card shows about one test, published as JSON."""

    def __init__(self, kind: str, jobs: int) -> None:
        self.values: dict[str, Any] = {
            "state": RUNNING,
            "kind": kind,
            "jobs": jobs,
            "done": 0,
            "failed": 0,
            "started": time.time(),
        }

    def measure(self, results: list[JobResult], finished: bool) -> None:
        if not results:
            return
        report = summarize_results(self.values["kind"], results)
        elapsed = max(time.time() - self.values["started"], 1e-3)
        self.values |= {
            "done": len(results),
            "failed": report.failed,
            "per_second": round(report.throughput if finished else len(results) / elapsed, 1),
            "p50_ms": round(report.p50_ms, 1),
            "p95_ms": round(report.p95_ms, 1),
            "elapsed_s": round(report.elapsed_s if finished else elapsed, 2),
        }

    async def publish(self, pool: ArqRedis, config: WorkerConfig) -> None:
        self.values["updated"] = time.time()
        await pool.set(progress_key(config), json.dumps(self.values), ex=PROGRESS_TTL_S)


async def _run(pool: ArqRedis, config: WorkerConfig, progress: Progress) -> None:
    kind = progress.values["kind"]
    try:
        queue = config.queue_name(LOAD_TEST_QUEUE)
        function = LOAD_TEST_TASKS[kind].__name__
        ids = await enqueue_many(pool, function, progress.values["jobs"], {}, queue)
        results = await _follow(pool, config, progress, ids)
        progress.measure(results, finished=True)
        if len(results) < len(ids):
            progress.values |= {"state": STOPPED, "reason": f"timed out after {TIMEOUT_S:g} s"}
        else:
            progress.values["state"] = FINISHED
    except asyncio.CancelledError:
        progress.values |= {"state": STOPPED, "reason": "the server stopped"}
        raise
    except REDIS_ERRORS as exc:
        progress.values |= {"state": STOPPED, "reason": str(unavailable(config.REDIS_URL, exc))}
    except Exception as exc:  # a bug: logged, and the card says the test stopped
        logger.exception("dashboard load test failed")
        progress.values |= {"state": STOPPED, "reason": f"{type(exc).__name__}: {exc}"}
    finally:
        with suppress(*REDIS_ERRORS):
            await asyncio.wait_for(progress.publish(pool, config), 5)
        await close(pool)


async def _follow(
    pool: ArqRedis, config: WorkerConfig, progress: Progress, ids: list[str]
) -> list[JobResult]:
    """Collect results until all are in or `TIMEOUT_S`; publish progress every `PUBLISH_S`."""
    pending, done = list(ids), []
    deadline = time.monotonic() + TIMEOUT_S
    published = time.monotonic()
    while pending and time.monotonic() < deadline:
        raw = await pool.mget([result_key_prefix + job_id for job_id in pending])
        done += [deserialize_result(value) for value in raw if value]
        pending = [job_id for job_id, value in zip(pending, raw, strict=True) if not value]
        if time.monotonic() - published >= PUBLISH_S:
            progress.measure(done, finished=False)
            await progress.publish(pool, config)
            published = time.monotonic()
        if pending:
            await asyncio.sleep(POLL_S)
    return done


def describe(progress: dict[str, Any], now: float | None = None) -> tuple[str, str]:
    """The card's row, e.g. (`Load test, running`, `340/1000 io jobs, 512/s, p50 12 ms, p95
    40 ms`): the state in the label, so the figures fit the card's 60 characters."""
    figures = f"{progress.get('done', 0)}/{progress.get('jobs', 0)} {progress.get('kind')} jobs"
    if "per_second" in progress:
        figures += (
            f", {_short(progress['per_second'])}/s, p50 {_short(progress['p50_ms'])} ms, "
            f"p95 {_short(progress['p95_ms'])} ms"
        )
    state = progress.get("state")
    failed = f", {progress['failed']} failed" if progress.get("failed") else ""
    if state == RUNNING and not is_live(progress, now):
        return "Load test, stopped reporting", figures
    if state == STOPPED:
        return f"Load test, stopped{failed}", f"{progress.get('reason', '?')}; {figures}"
    if state == FINISHED:
        return f"Load test, finished in {_short(progress.get('elapsed_s', 0))} s{failed}", figures
    return f"Load test, running{failed}", figures


def _short(value: float) -> str:
    """`512`, `12.5`: a tenth only where it matters."""
    return f"{value:.0f}" if abs(value) >= 100 else f"{value:g}"


__all__ = ["MAX_JOBS", "describe", "is_live", "start", "stop_all"]
