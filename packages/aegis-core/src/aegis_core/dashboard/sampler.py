"""The server keeps its own history: a health sample every `SAMPLE_SECONDS`, from the app's
lifespan, whether or not a dashboard is open.

Without it the sparklines begin when someone opens the page, and a night's trouble is gone by
morning, which is exactly when a person wants it. A session's refresh still records too;
`History.due` makes the two share one sample per `SAMPLE_SECONDS` instead of doubling the
health runs. Flet-free: a server whose dashboard nobody opens never imports Flet.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from aegis_core.dashboard.history import SAMPLE_SECONDS, History
from aegis_core.runtime import AegisRuntime
from aegis_core.startup import warmed_up

logger = logging.getLogger("aegis.dashboard")


async def sample_once(runtime: AegisRuntime, history: History) -> bool:
    """Run the health checks and record them, unless a sample was taken just now."""
    if not history.due():
        return False
    started = time.perf_counter()
    health = await runtime.detailed_health()
    return history.record(health, (time.perf_counter() - started) * 1000)


async def _sample_forever(runtime: AegisRuntime, history: History, interval: float) -> None:
    await warmed_up()  # imports must not count as health-check time
    while True:
        try:
            await sample_once(runtime, history)
        except Exception:  # one failed run must not end the history
            logger.exception("health sample for the dashboard history failed")
        await asyncio.sleep(interval)


@asynccontextmanager
async def history_sampler(
    runtime: AegisRuntime, history: History, interval: float = SAMPLE_SECONDS
) -> AsyncIterator[None]:
    """Sample while the app runs; stopped before the event loop goes away."""
    task = asyncio.create_task(
        _sample_forever(runtime, history, interval), name="aegis-history-sampler"
    )
    try:
        yield
    finally:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task
