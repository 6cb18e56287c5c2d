"""Start-up: answer first, warm up after, say in one line what started.

Nothing that a first `/health` answer does not need is imported or connected before the server
listens. Components warm up (imports, user modules) in a thread once the app has answered its
first request, or `FIRST_RUN_DELAY` seconds after start-up if nobody asks (`warming`): a warm-up
thread holds the GIL half the time, and started at once it slowed that first answer (a start-up
probe's) by ~90 ms in a grown project. The first health run starts on the first health request
or `FIRST_RUN_DELAY` seconds after start-up, whichever comes first; until it has finished
`/health` says "starting" for the checks that have not run (health/cache.py). After that run,
the heap pages the warm-up used and freed go back to the OS (`release_freed_memory`).
"""

from __future__ import annotations

import asyncio
import ctypes
import logging
import weakref
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from typing import TYPE_CHECKING

from aegis_core._version import __version__ as core_version

if TYPE_CHECKING:
    from aegis_core.runtime import AegisRuntime

__all__ = [
    "FIRST_RUN_DELAY",
    "answered",
    "first_health_run",
    "started_line",
    "warmed_up",
    "warming",
    "warming_up",
]

logger = logging.getLogger("aegis.warm_up")

FIRST_RUN_DELAY = 1.0
"""Seconds after start-up before the first health run, when no request has asked for one."""
WARM_UP_LIMIT = 60.0
"""The first health run waits at most this long for warm-ups (then runs anyway)."""

_warming: set[asyncio.Task[None]] = set()
_answered: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Event] = (
    weakref.WeakKeyDictionary()
)


def _answered_event() -> asyncio.Event:
    loop = asyncio.get_running_loop()
    event = _answered.get(loop)
    if event is None:
        event = _answered[loop] = asyncio.Event()
    return event


def answered() -> None:
    """The app has answered its first request: warm-ups may start (`AegisApp` calls this)."""
    _answered_event().set()


@asynccontextmanager
async def warming(function: Callable[[], None], *, what: str) -> AsyncIterator[None]:
    """Run `function` in a thread once the app has answered a request (or `FIRST_RUN_DELAY`
    seconds after start-up), without delaying start-up or that first answer.

    For a component's lifespan: `async with warming(load_queues, what="worker"): yield`. A
    failure is logged (its health check reports the same problem in detail).
    """

    async def run() -> None:
        with suppress(TimeoutError):
            await asyncio.wait_for(_answered_event().wait(), FIRST_RUN_DELAY)
        try:
            await asyncio.to_thread(function)
        except Exception as exc:
            logger.warning("warming up %s failed: %s: %s", what, type(exc).__name__, exc)

    task = asyncio.create_task(run())
    _warming.add(task)
    task.add_done_callback(_warming.discard)
    try:
        yield
    finally:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task


def release_freed_memory() -> None:
    """Hand back to the OS the heap pages that freed objects left behind (glibc's
    `malloc_trim`; nothing happens where the C library has none, e.g. musl or macOS).

    Warm-ups import and build in threads, and glibc gives each thread its own heap: what they
    free stays mapped, ~10 MB of a grown project's resident memory, until a trim returns it."""
    trim = getattr(ctypes.CDLL(None), "malloc_trim", None)
    if trim is not None:
        trim(0)


def warming_up() -> bool:
    """Whether a warm-up of this event loop is still running (the first health run waits)."""
    loop = asyncio.get_running_loop()
    return any(task.get_loop() is loop for task in _warming)


async def warmed_up(limit: float = WARM_UP_LIMIT) -> None:
    """Return once every warm-up of this event loop has finished (or after `limit` s): the
    first health run waits for them, so imports never eat into a check's time budget."""
    loop = asyncio.get_running_loop()
    pending = [task for task in _warming if task.get_loop() is loop]
    if pending:
        await asyncio.wait(pending, timeout=limit)


@asynccontextmanager
async def first_health_run(runtime: AegisRuntime) -> AsyncIterator[None]:
    """Start the first health run `FIRST_RUN_DELAY` seconds after start-up (if no request
    started it before), so health is known without anyone asking."""
    handle = asyncio.get_running_loop().call_later(FIRST_RUN_DELAY, runtime.warm_up)
    try:
        yield
    finally:
        handle.cancel()


def started_line(runtime: AegisRuntime) -> str:
    """The one start-up line: app, core version, each component with its version, problems."""
    loaded = ", ".join(f"{c.name} {c.version}" for c in runtime.discovered.active) or "none"
    line = f"{runtime.settings.APP_NAME} started (aegis-core {core_version}); components: {loaded}"
    if runtime.dashboard_mounted:
        line += f"; dashboard at {runtime.settings.DASHBOARD_PATH}"
    problems = [p for p in runtime.discovered.problems if str(p.kind) != "disabled"]
    if problems:
        line += "; not loaded: " + ", ".join(f"{p.name} ({p.kind})" for p in problems)
    return line
