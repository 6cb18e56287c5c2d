"""The worker process: one arq `Worker` per queue, all in one event loop.

Behaviour a user relies on:
- Redis unreachable at startup → `RedisUnavailable` (the CLI prints one line, exits 1).
- Redis lost while running → each queue reconnects on its own, for up to
  `WORKER_RECONNECT_TIMEOUT` seconds, then the process exits non-zero so a supervisor
  (compose `restart:`) takes over. arq alone would die on the first lost connection.
- SIGTERM/SIGINT → running jobs are cancelled and stay queued (arq re-runs them).
- A worker killed with SIGKILL leaves its jobs queued; arq re-runs them once their
  in-progress marker expires (`job_timeout + 10` s).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import socket
import time
import uuid
from collections import deque
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import replace
from typing import Any

from arq.connections import ArqRedis
from arq.constants import result_key_prefix
from arq.jobs import deserialize_result
from arq.worker import Function, Worker

from aegis_worker.claiming import BatchClaimWorker
from aegis_worker.connection import (
    CONNECTION_ERRORS,
    REDIS_ERRORS,
    RedisUnavailable,
    connect,
    describe,
    ping,
    redact,
)
from aegis_worker.registry import QueueSpec
from aegis_worker.settings import WorkerConfig
from aegis_worker.status import RECENT_SUFFIX, WORKERS_SUFFIX
from aegis_worker.tally import DoneTally, keep_flushing

logger = logging.getLogger("aegis.worker")

WORKER_SOCKET_TIMEOUT = 10.0
"""Connect timeout of a worker's pool, and the bound on its shutdown."""
RECENT_KEEP = 20
RECENT_TTL_S = 86_400


def build_worker(
    spec: QueueSpec, config: WorkerConfig, pool: ArqRedis, *, burst: bool, recent: deque[str]
) -> Worker:
    """An arq Worker for one queue: env defaults, then the stub's `WorkerSettings` options."""
    options: dict[str, Any] = {
        "max_jobs": config.WORKER_MAX_JOBS,
        "job_timeout": config.WORKER_JOB_TIMEOUT,
        "keep_result": config.WORKER_KEEP_RESULT,
        "max_tries": config.WORKER_MAX_TRIES,
        "poll_delay": config.WORKER_POLL_DELAY,
        "queue_read_limit": config.WORKER_QUEUE_READ_LIMIT,
        "health_check_interval": config.WORKER_HEALTH_CHECK_INTERVAL,
        **spec.options,
    }
    options["after_job_end"] = _remembering(recent, spec.options.get("after_job_end"))
    limit = float(options["job_timeout"])
    return BatchClaimWorker(
        functions=[_capped(function, limit) for function in spec.functions.values()],
        cron_jobs=list(spec.cron_jobs) or None,
        queue_name=config.queue_name(spec.name),
        redis_pool=pool,
        burst=burst,
        handle_signals=False,
        **options,
    )


def _capped(function: Function, job_timeout: float) -> Function:
    """A task's own time limit (the built-ins have one) never exceeds the queue's."""
    own = function.timeout_s
    if own is None or own <= job_timeout:
        return function
    return replace(function, timeout_s=job_timeout)


def _remembering(recent: deque[str], user_hook: Any) -> Any:
    """Note each finished job id in memory (no Redis call per job), then run the user's hook."""

    async def after_job_end(ctx: dict[str, Any]) -> None:
        recent.append(ctx["job_id"])
        if user_hook is not None:
            await user_hook(ctx)

    return after_job_end


async def run_queues(specs: Sequence[QueueSpec], config: WorkerConfig, *, burst: bool) -> None:
    """Serve `specs` until a signal, until drained (`burst`), or until Redis stays away."""
    await ping(config.REDIS_URL, timeout=max(config.WORKER_REDIS_TIMEOUT, 2.0))
    names = ", ".join(spec.name for spec in specs)
    logger.info("serving %s on %s", names, redact(config.REDIS_URL))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    tasks: set[asyncio.Task[Any]] = {
        asyncio.create_task(serve_queue(s, config, burst=burst)) for s in specs
    }
    stopper: asyncio.Task[Any] = asyncio.create_task(stop.wait())
    failure: BaseException | None = None
    while tasks and not stop.is_set():
        done, tasks = await asyncio.wait(tasks | {stopper}, return_when=asyncio.FIRST_COMPLETED)
        tasks.discard(stopper)
        for task in done - {stopper}:
            failure = failure or task.exception()
        if failure is not None:
            break
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    stopper.cancel()
    if failure is not None:
        raise failure


async def serve_queue(spec: QueueSpec, config: WorkerConfig, *, burst: bool) -> None:
    """Run one queue's worker, rebuilding it after a lost Redis connection."""
    key = config.queue_name(spec.name)
    recent: deque[str] = deque(maxlen=RECENT_KEEP)
    worker_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
    while True:
        pool = connect(
            config.REDIS_URL, timeout=WORKER_SOCKET_TIMEOUT, bounded=False, queue_name=key
        )
        worker = build_worker(spec, config, pool, burst=burst, recent=recent)
        tally = DoneTally(worker)
        beat = asyncio.create_task(heartbeat(worker, key, worker_id, recent))
        counting = asyncio.create_task(keep_flushing(tally))
        try:
            await worker.async_run()
            return
        except CONNECTION_ERRORS as exc:
            logger.warning("queue %s lost Redis (%s); reconnecting", spec.name, describe(exc))
        finally:
            beat.cancel()
            counting.cancel()
            with suppress(*REDIS_ERRORS):  # the last jobs count too (a burst run's all of them)
                await asyncio.wait_for(tally.flush(), WORKER_SOCKET_TIMEOUT)
            await _shutdown(worker, key, worker_id)
        await wait_for_redis(config)


async def _shutdown(worker: Worker, key: str, worker_id: str) -> None:
    """arq's close (cancel jobs so they re-run, drop the health key), then leave the set."""
    pool = worker.pool
    with suppress(*REDIS_ERRORS):
        await pool.zrem(key + WORKERS_SUFFIX, worker_id)
    with suppress(*REDIS_ERRORS):
        await asyncio.wait_for(worker.close(), WORKER_SOCKET_TIMEOUT)
    with suppress(*REDIS_ERRORS):
        await pool.aclose(close_connection_pool=True)


async def wait_for_redis(config: WorkerConfig) -> None:
    """Back off until Redis answers; give up after `WORKER_RECONNECT_TIMEOUT` seconds."""
    deadline = time.monotonic() + config.WORKER_RECONNECT_TIMEOUT
    delay = 0.2
    while True:
        try:
            await ping(config.REDIS_URL, timeout=config.WORKER_REDIS_TIMEOUT)
        except RedisUnavailable as exc:
            if time.monotonic() >= deadline:
                waited = f"{config.WORKER_RECONNECT_TIMEOUT:g}"
                raise RedisUnavailable(f"{exc}; gave up after {waited}s") from None
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)
        else:
            logger.info("Redis is back")
            return


async def heartbeat(worker: Worker, key: str, worker_id: str, recent: deque[str]) -> None:
    """Every health-check interval: say this process is alive, publish its recent jobs."""
    interval = float(worker.health_check_interval)
    published: list[str] = []
    while True:
        with suppress(*REDIS_ERRORS):  # the worker loop itself notices a lost Redis
            await _announce(worker.pool, key, worker_id, interval)
            if list(recent) != published:
                published = list(recent)
                await _publish_recent(worker.pool, key, published)
        await asyncio.sleep(interval)


async def _announce(pool: ArqRedis, key: str, worker_id: str, interval: float) -> None:
    now_ms = time.time() * 1000
    ttl_ms = int((interval + 1) * 1000)
    async with pool.pipeline(transaction=False) as pipe:
        pipe.zadd(key + WORKERS_SUFFIX, {worker_id: now_ms + ttl_ms})
        pipe.zremrangebyscore(key + WORKERS_SUFFIX, "-inf", now_ms)
        pipe.expire(key + WORKERS_SUFFIX, RECENT_TTL_S)  # garbage-collects a dead queue's set
        await pipe.execute()


async def _publish_recent(pool: ArqRedis, key: str, job_ids: list[str]) -> None:
    """Summaries of the newest jobs, read from arq's result keys in one MGET."""
    ids = list(reversed(job_ids))
    raw = await pool.mget([result_key_prefix + job_id for job_id in ids])
    entries = [_summary(job_id, value) for job_id, value in zip(ids, raw, strict=True) if value]
    await pool.set(key + RECENT_SUFFIX, json.dumps(entries), ex=RECENT_TTL_S)


def _summary(job_id: str, raw: bytes) -> dict[str, Any]:
    try:
        result = deserialize_result(raw)
    except Exception as exc:  # an unreadable result must not stop the heartbeat
        return {"job_id": job_id, "function": "?", "success": False, "error": describe(exc)}
    elapsed = (result.finish_time - result.start_time).total_seconds() * 1000
    return {
        "job_id": job_id,
        "function": result.function,
        "success": result.success,
        "ms": round(elapsed, 1),
        "finished": result.finish_time.isoformat(),
    }
