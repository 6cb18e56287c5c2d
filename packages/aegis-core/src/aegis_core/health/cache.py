"""Share one health run between callers, reuse it for a moment, never make a caller wait twice.

Container probes, load balancers, monitors and dashboards ask `/health` and `/health/detailed`,
often many times a second, and each answer used to run every check: component checks open
Redis and PostgreSQL connections, so 32 concurrent clients meant 32 runs of every check at once
(p99 over a second). Now:

- single flight: callers arriving while a run is in flight share that run;
- a result is reused for `HEALTH_CACHE_SECONDS` (1 s by default; 0 still shares a run in flight
  but reuses nothing);
- once that has passed, the next caller starts a new run and, like everyone else until it
  finishes, gets the previous result at once. Every check is bounded by
  `HEALTH_CHECK_TIMEOUT`, so what is served is never older than cache + timeout seconds; a
  result older than that (an idle server) is not served: callers wait for the new run;
- before the first run has finished (start-up), callers get a stand-in built by the caller
  (`starting`) unless the run finishes within `first_wait` (50 ms), so the server answers at
  once without waiting for what the checks need to import and connect.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")
FIRST_WAIT = 0.05
"""Seconds a caller waits for the very first run before it gets the `starting` stand-in."""


class SharedResult(Generic[T]):
    """The latest result of one coroutine function, shared by its callers."""

    def __init__(self) -> None:
        self._value: T | None = None
        self._taken_at = float("-inf")
        self._running: asyncio.Task[T] | None = None
        self.runs = 0
        """How many runs were started (for tests and the bench)."""

    async def get(
        self,
        run: Callable[[], Awaitable[T]],
        ttl: float,
        *,
        stale_for: float = 0.0,
        starting: Callable[[], Awaitable[T]] | None = None,
        first_wait: float = FIRST_WAIT,
    ) -> T:
        """A result at most `ttl` old, or up to `ttl + stale_for` old while a new run is in
        flight; `starting()` when the very first run takes over `first_wait` seconds;
        otherwise the in-flight run's."""
        age = time.monotonic() - self._taken_at
        if self._value is not None and age < ttl:
            return self._value
        task = self.start(run)
        if self._value is not None and age < ttl + stale_for:
            return self._value
        if self._value is None and starting is not None:
            await asyncio.wait({task}, timeout=first_wait)  # never cancels the shared run
            return self._value if self._value is not None else await starting()
        # shield: a caller that goes away (client disconnect) must not cancel the shared run.
        return await asyncio.shield(task)

    def start(self, run: Callable[[], Awaitable[T]]) -> asyncio.Task[T]:
        """The run in flight in this event loop, started now if there is none."""
        task = self._running
        if task is None or task.done() or task.get_loop() is not asyncio.get_running_loop():
            task = asyncio.ensure_future(run())
            task.add_done_callback(self._store)
            self._running = task
            self.runs += 1
        return task

    @property
    def has_result(self) -> bool:
        return self._value is not None

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
