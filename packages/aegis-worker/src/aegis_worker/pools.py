"""`get_queue_pool`: enqueue from anywhere (API routes, CLI, scheduler jobs, other tasks).

    pool, _ = await get_queue_pool("system")
    await pool.enqueue_job("generate_report", report_data)
    await pool.aclose()

The pool's default queue is the named queue, so `enqueue_job` needs no `_queue_name`; a task
name that queue does not run is refused at once (`UnknownTask`), because no worker would ever
pick the job up and nothing else would say so.
"""

from __future__ import annotations

from typing import Any

from aegis_core.project import project_package
from arq.connections import ArqRedis
from arq.jobs import Job

from aegis_worker.connection import connect
from aegis_worker.errors import UnknownQueue, UnknownTask
from aegis_worker.registry import QueueSpec, load_queues
from aegis_worker.settings import WorkerConfig, get_settings


class QueuePool(ArqRedis):
    """An `ArqRedis` that knows which tasks its default queue runs."""

    spec: QueueSpec | None = None

    async def enqueue_job(self, function: str, *args: Any, **kwargs: Any) -> Job | None:
        queue_name = kwargs.get("_queue_name")
        spec = self.spec
        own_queue = queue_name is None or queue_name == self.default_queue_name
        if spec is not None and own_queue and function not in spec.functions:
            stub = f"{project_package()}/components/worker/queues/{spec.name}.py"
            raise UnknownTask(
                f"queue {spec.name!r} runs no task {function[:80]!r} "
                f"(it runs: {', '.join(spec.task_names)}); define it in {stub}"
            )
        return await super().enqueue_job(function, *args, **kwargs)


async def get_queue_pool(
    queue: str = "system", *, config: WorkerConfig | None = None
) -> tuple[ArqRedis, str]:
    """A Redis pool whose `enqueue_job` targets `queue`, and that queue's arq name.

    The caller owns the pool and closes it with `await pool.aclose()`.
    """
    config = config or get_settings()
    known = load_queues()
    if queue not in known:
        raise UnknownQueue(f"unknown queue {queue!r}; known queues: {', '.join(known)}")
    queue_name = config.queue_name(queue)
    # Like arq's create_pool: a connect timeout, no per-command one (see `connect`).
    timeout = max(config.WORKER_REDIS_TIMEOUT, 5.0)
    pool = connect(
        config.REDIS_URL,
        timeout=timeout,
        bounded=False,
        queue_name=queue_name,
        client_class=QueuePool,
    )
    assert isinstance(pool, QueuePool)
    pool.spec = known[queue]
    return pool, queue_name
