"""`get_queue_pool`: enqueue from anywhere (API routes, CLI, scheduler jobs, other tasks).

    pool, _ = await get_queue_pool("system")
    await pool.enqueue_job("generate_report", report_data)
    await pool.aclose()

The pool's default queue is the named queue, so `enqueue_job` needs no `_queue_name`.
"""

from __future__ import annotations

from arq.connections import ArqRedis

from aegis_worker.connection import connect
from aegis_worker.errors import UnknownQueue
from aegis_worker.registry import load_queues
from aegis_worker.settings import WorkerConfig


async def get_queue_pool(
    queue: str = "system", *, config: WorkerConfig | None = None
) -> tuple[ArqRedis, str]:
    """A Redis pool whose `enqueue_job` targets `queue`, and that queue's arq name.

    The caller owns the pool and closes it with `await pool.aclose()`.
    """
    config = config or WorkerConfig()
    known = load_queues()
    if queue not in known:
        raise UnknownQueue(f"unknown queue {queue!r}; known queues: {', '.join(known)}")
    queue_name = config.queue_name(queue)
    # Like arq's create_pool: a connect timeout, no per-command one (see `connect`).
    timeout = max(config.WORKER_REDIS_TIMEOUT, 5.0)
    pool = connect(config.REDIS_URL, timeout=timeout, bounded=False, queue_name=queue_name)
    return pool, queue_name
