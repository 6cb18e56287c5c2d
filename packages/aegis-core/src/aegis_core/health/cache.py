"""Reuse a health result for a moment, and never run the checks twice at the same time.

Container probes, load balancers and `health probe` ask `/health`, often many times a second,
and each answer used to run every check: component checks open Redis and PostgreSQL
connections, so a probe storm became a database storm. That result is now reused for
`HEALTH_CACHE_SECONDS` (1 s by default; 0 turns this off), and callers arriving while a run is
in flight wait for that run instead of starting their own. (`/health/detailed`, the CLI's
`status` and the dashboard stay fresh: a person looking wants now, not a second ago.)

Measured on `/health` of a bare project: without this the endpoint cost twice the CPU of a
FastAPI route returning the same JSON; with it, about the same (bench/README.md).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class SharedResult(Generic[T]):
    """The latest result of one coroutine function, shared by callers for `ttl` seconds."""

    def __init__(self) -> None:
        self._value: T | None = None
        self._taken_at = float("-inf")
        self._running: asyncio.Task[T] | None = None

    async def get(self, run: Callable[[], Awaitable[T]], ttl: float) -> T:
        """A result at most `ttl` seconds old, running `run` only when there is none."""
        if ttl <= 0:
            return await run()
        if self._value is not None and time.monotonic() - self._taken_at < ttl:
            return self._value
        task = self._running
        if task is None or task.done() or task.get_loop() is not asyncio.get_running_loop():
            task = asyncio.ensure_future(run())
            task.add_done_callback(self._store)
            self._running = task
        # shield: a caller that goes away (client disconnect) must not cancel the shared run.
        return await asyncio.shield(task)

    def _store(self, task: asyncio.Task[T]) -> None:
        if self._running is task:
            self._running = None
        if not task.cancelled() and task.exception() is None:
            self._value = task.result()
            self._taken_at = time.monotonic()

    def clear(self) -> None:
        """Forget the last result: the next caller runs the checks."""
        self._value = None
        self._taken_at = float("-inf")
