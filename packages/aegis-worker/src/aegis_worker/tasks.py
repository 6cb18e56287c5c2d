"""Built-in tasks: housekeeping for `system`, and measurable work for `load_test`.

The load-test tasks are deliberately tiny and deterministic, so a throughput figure measures
the pipeline (enqueue → Redis → worker → result) rather than the task.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import socket
from typing import Any

Ctx = dict[str, Any]
"""arq's job context: `redis`, `job_id`, `job_try`, `enqueue_time`, …"""


async def ping(ctx: Ctx) -> dict[str, Any]:
    """Prove a worker is consuming the `system` queue: answers who ran the job."""
    return {"pong": True, "host": socket.gethostname(), "pid": os.getpid(), "try": ctx["job_try"]}


async def queue_depths(ctx: Ctx) -> dict[str, int]:
    """Housekeeping: how many jobs wait in each queue, as seen from inside a worker."""
    from aegis_worker.registry import load_queues
    from aegis_worker.settings import WorkerConfig

    config = WorkerConfig()
    names = {name: config.queue_name(name) for name in load_queues()}
    depths = [await ctx["redis"].zcard(queue) for queue in names.values()]
    return dict(zip(names, depths, strict=True))


async def cpu_task(ctx: Ctx, iterations: int = 1_000) -> str:
    """CPU-bound: chained SHA-256, which holds the event loop like real number crunching."""
    digest = b"aegis"
    for _ in range(iterations):
        digest = hashlib.sha256(digest).digest()
    return digest.hex()[:16]


async def io_task(ctx: Ctx, delay_ms: int = 10) -> int:
    """I/O-bound: waits without using CPU, like a call to a slow API."""
    await asyncio.sleep(delay_ms / 1000)
    return delay_ms


async def memory_task(ctx: Ctx, size_kb: int = 256) -> int:
    """Memory-bound: allocates and touches `size_kb` KiB, then lets it go."""
    block = bytearray(size_kb * 1024)
    for index in range(0, len(block), 4096):
        block[index] = 1
    return sum(block)


SYSTEM_TASKS = (ping, queue_depths)
LOAD_TEST_TASKS = {"cpu": cpu_task, "io": io_task, "memory": memory_task}
