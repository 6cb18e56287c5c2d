"""Run every health check concurrently, each bounded by a timeout.

A check that hangs or raises reports `unhealthy` with the reason; it never hangs the endpoint.
The timeout is a hard deadline: a check still running at the deadline is cancelled but *not*
waited for (`asyncio.wait_for` would wait, and a check that swallows the cancellation would
hang `/health` with it). Checks must be async and must not block the event loop (wrap blocking
I/O in `asyncio.to_thread`), or no timeout can interrupt them.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from aegis_core._version import __version__ as core_version
from aegis_core.component import ComponentKind, HealthCheck
from aegis_core.health.models import ComponentHealth, DetailedHealth, HealthStatus

logger = logging.getLogger("aegis.health")


INLINE_ATTRIBUTE = "_aegis_inline_check"


def inline(check: HealthCheck) -> HealthCheck:
    """Mark a check that never waits (no I/O, no `await` that suspends) to run in place.

    For aegis-core's own cheap checks: a task and a timer per check cost more than the check
    itself (see bench/README.md). Never use it for a check that does I/O: an inline check has
    no timeout.
    """
    setattr(check, INLINE_ATTRIBUTE, True)
    return check


async def run_check(name: str, check: HealthCheck, timeout: float) -> ComponentHealth:
    """Run one check within `timeout` seconds; always returns, with the time it took."""
    started = time.perf_counter()
    if getattr(check, INLINE_ATTRIBUTE, False):
        result = await _in_place(name, check)
    else:
        result = await _bounded(name, check, timeout)
    elapsed_ms = round((time.perf_counter() - started) * 1000, 2)
    return result.model_copy(update={"name": name, "response_time_ms": elapsed_ms}).propagated()


async def _in_place(name: str, check: HealthCheck) -> ComponentHealth:
    try:
        return _validated(name, await check())
    except Exception as exc:
        return _failed(name, exc)


async def _bounded(name: str, check: HealthCheck, timeout: float) -> ComponentHealth:
    try:
        task = asyncio.ensure_future(check())
    except Exception as exc:  # the check raised before returning an awaitable
        return _failed(name, exc)
    try:
        done, _ = await asyncio.wait({task}, timeout=timeout)
    except asyncio.CancelledError:  # the request went away: do not leave the check running
        task.cancel()
        raise
    if not done:
        task.cancel()
        task.add_done_callback(_discard_outcome)
        return _unhealthy(name, f"health check did not answer within {timeout:g}s")
    if task.cancelled():
        return _unhealthy(name, "health check was cancelled")
    if (error := task.exception()) is not None:
        return _failed(name, error)
    return _validated(name, task.result())


def _validated(name: str, result: Any) -> ComponentHealth:
    if isinstance(result, ComponentHealth):
        return result
    return _unhealthy(name, f"health check returned {type(result).__name__}, not ComponentHealth")


def _failed(name: str, exc: BaseException) -> ComponentHealth:
    logger.warning("health check %s failed: %s: %s", name, type(exc).__name__, exc)
    return _unhealthy(name, f"health check failed: {type(exc).__name__}: {exc}")


def _unhealthy(name: str, message: str) -> ComponentHealth:
    return ComponentHealth(name=name, status=HealthStatus.UNHEALTHY, message=message)


def _discard_outcome(task: asyncio.Future[Any]) -> None:
    """Retrieve a timed-out check's late outcome so asyncio does not log it as unhandled."""
    if not task.cancelled():
        task.exception()


async def run_all(
    checks: Mapping[str, tuple[ComponentKind, HealthCheck]],
    *,
    timeout: float,
    app_name: str,
    static: Mapping[str, tuple[ComponentKind, ComponentHealth]] | None = None,
) -> DetailedHealth:
    """Run `checks` concurrently and merge them with `static` entries (e.g. load problems).

    Inline checks run in place, the others as concurrent tasks: with only inline checks (a
    bare project) a request creates no task at all.
    """
    names = list(checks)
    bounded = [n for n in names if not getattr(checks[n][1], INLINE_ATTRIBUTE, False)]
    pending = asyncio.gather(*(run_check(n, checks[n][1], timeout) for n in bounded))
    done = {n: await run_check(n, checks[n][1], timeout) for n in names if n not in bounded}
    done.update(zip(bounded, await pending, strict=True))
    kinds: dict[str, ComponentKind] = {n: checks[n][0] for n in names}
    by_name = {n: done[n] for n in names}  # in the order the checks were given
    for name, (kind, health) in (static or {}).items():
        kinds[name] = kind
        by_name[name] = health.propagated()
    components = {n: h for n, h in by_name.items() if kinds[n] == "component"}
    services = {n: h for n, h in by_name.items() if kinds[n] == "service"}
    overall = HealthStatus.worst(h.status for h in by_name.values())
    return DetailedHealth(
        status=overall,
        healthy=overall is not HealthStatus.UNHEALTHY,
        app_name=app_name,
        aegis_core_version=core_version,
        components=components,
        services=services,
        timestamp=datetime.now(UTC),
    )


STARTING = "starting: the first check has not finished yet"


def starting_checks(
    checks: Mapping[str, tuple[ComponentKind, HealthCheck]],
) -> dict[str, tuple[ComponentKind, HealthCheck]]:
    """`checks` for the moment before the first run finished: inline ones as they are, every
    other one replaced by an `info` "starting" entry (never `healthy`: it has not run)."""
    return {
        name: (kind, check if getattr(check, INLINE_ATTRIBUTE, False) else _starting(name))
        for name, (kind, check) in checks.items()
    }


def _starting(name: str) -> HealthCheck:
    @inline
    async def check() -> ComponentHealth:
        return ComponentHealth(
            name=name, status=HealthStatus.INFO, message=STARTING, metadata={"starting": True}
        )

    return check
