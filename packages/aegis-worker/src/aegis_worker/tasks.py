"""Built-in tasks: `ping` for `system`, and measurable work for `load_test`.

`system`'s other built-in, `queue_depths`, lives in the registry: it reports the registry's
queues, and this module stays a leaf that the registry imports.

The load-test tasks are deliberately tiny and deterministic, so a throughput figure measures
the pipeline (enqueue → Redis → worker → result) rather than the task.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import socket
from typing import Annotated, Any

from pydantic import Field

Ctx = dict[str, Any]
"""arq's job context: `redis`, `job_id`, `job_try`, `enqueue_time`, …"""

MAX_ITERATIONS = 1_000_000
"""About a second of hashing: enough to measure, too little to hold a worker hostage."""
MAX_DELAY_MS = 10_000
MAX_SIZE_KB = 32 * 1024
"""32 MiB per job; a worker runs `WORKER_MAX_JOBS` of them at once."""
BUILTIN_TIMEOUT_S = 30.0
"""Per-task time limit of every built-in: far above what the bounds allow, far below arq's."""
YIELD_EVERY = 10_000

Iterations = Annotated[int, Field(ge=1, le=MAX_ITERATIONS)]
DelayMs = Annotated[int, Field(ge=0, le=MAX_DELAY_MS)]
SizeKb = Annotated[int, Field(ge=1, le=MAX_SIZE_KB)]


async def ping(ctx: Ctx) -> dict[str, Any]:
    """Prove a worker is consuming the `system` queue: answers who ran the job."""
    return {"pong": True, "host": socket.gethostname(), "pid": os.getpid(), "try": ctx["job_try"]}


async def cpu_task(ctx: Ctx, iterations: Iterations = 1_000) -> str:
    """CPU-bound: chained SHA-256, which holds the event loop like real number crunching.

    It yields every `YIELD_EVERY` rounds, so the time limit can still cancel it."""
    digest = b"aegis"
    for done in range(1, iterations + 1):
        digest = hashlib.sha256(digest).digest()
        if done % YIELD_EVERY == 0:
            await asyncio.sleep(0)
    return digest.hex()[:16]


async def io_task(ctx: Ctx, delay_ms: DelayMs = 10) -> int:
    """I/O-bound: waits without using CPU, like a call to a slow API."""
    await asyncio.sleep(delay_ms / 1000)
    return delay_ms


async def memory_task(ctx: Ctx, size_kb: SizeKb = 256) -> int:
    """Memory-bound: allocates and touches `size_kb` KiB, then lets it go."""
    block = bytearray(size_kb * 1024)
    for index in range(0, len(block), 4096):
        block[index] = 1
    return sum(block)


LOAD_TEST_TASKS = {"cpu": cpu_task, "io": io_task, "memory": memory_task}
