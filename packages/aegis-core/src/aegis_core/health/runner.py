"""Run every health check concurrently, each bounded by a timeout.

A check that hangs or raises reports `unhealthy` with the reason; it never hangs the endpoint.
Checks must be async and must not block the event loop (wrap blocking I/O in
`asyncio.to_thread`), or the timeout cannot interrupt them.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from datetime import UTC, datetime

from aegis_core._version import __version__ as core_version
from aegis_core.component import ComponentKind, HealthCheck
from aegis_core.health.models import ComponentHealth, DetailedHealth, HealthStatus


async def run_check(name: str, check: HealthCheck, timeout: float) -> ComponentHealth:
    started = time.perf_counter()
    try:
        result = await asyncio.wait_for(check(), timeout)
    except TimeoutError:
        result = ComponentHealth(
            name=name,
            status=HealthStatus.UNHEALTHY,
            message=f"health check did not answer within {timeout:g}s",
        )
    except Exception as exc:
        result = ComponentHealth(
            name=name,
            status=HealthStatus.UNHEALTHY,
            message=f"health check failed: {type(exc).__name__}: {exc}",
        )
    elapsed_ms = round((time.perf_counter() - started) * 1000, 2)
    return result.model_copy(update={"name": name, "response_time_ms": elapsed_ms}).propagated()


async def run_all(
    checks: Mapping[str, tuple[ComponentKind, HealthCheck]],
    *,
    timeout: float,
    app_name: str,
    static: Mapping[str, tuple[ComponentKind, ComponentHealth]] | None = None,
) -> DetailedHealth:
    """Run `checks` concurrently and merge them with `static` entries (e.g. load problems)."""
    names = list(checks)
    results = await asyncio.gather(*(run_check(n, checks[n][1], timeout) for n in names))
    kinds: dict[str, ComponentKind] = {n: checks[n][0] for n in names}
    by_name = dict(zip(names, results, strict=True))
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
