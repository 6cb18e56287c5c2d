"""The two parts every project has: the backend process and the frontend dashboard."""

from __future__ import annotations

import os
import socket
import time
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from typing import Protocol

from aegis_core.component import HealthCheck
from aegis_core.health.models import ComponentHealth, HealthStatus
from aegis_core.health.process_stats import ProcessReader
from aegis_core.health.runner import inline

WARN_PERCENT = 90.0
SNAPSHOT_TTL = 1.0
"""Seconds a backend snapshot is reused. Memory and disk do not change meaningfully within a
second, and probes and dashboards may ask many times per second: without the cache, reading
dominated the cost of `/health` (see bench/README.md)."""


@cache
def _flet_version() -> str | None:
    """Cached: a metadata lookup scans site-packages, far too slow for every `/health`."""
    try:
        return version("flet")
    except PackageNotFoundError:
        return None


@cache
def _hostname() -> str:
    """Which machine or container answered: replicas behind one address tell apart by it."""
    return socket.gethostname()


class _SnapshotCache:
    """The last backend snapshot and when it was taken (one per process: it describes it)."""

    def __init__(self) -> None:
        self.taken_at = float("-inf")
        self.health: ComponentHealth | None = None

    def get(self, ttl: float = SNAPSHOT_TTL) -> ComponentHealth:
        now = time.monotonic()
        if self.health is None or now - self.taken_at >= ttl:
            self.health = _backend_snapshot()
            self.taken_at = now
        return self.health


_cache = _SnapshotCache()


_reader = ProcessReader()


@inline
async def backend_health() -> ComponentHealth:
    """Process memory and CPU, plus the disk the app runs from; warns above 90 % use.

    Runs inline: the reads take ~0.1 ms (they read /proc), less than a thread hop.
    """
    return _cache.get()


def _backend_snapshot() -> ComponentHealth:
    stats = _reader.read(os.getcwd())
    rss_mb = round(stats.rss_bytes / 1_048_576, 1)
    metadata = {
        "hostname": _hostname(),
        "pid": stats.pid,
        "process_rss_mb": rss_mb,
        "process_cpu_percent": stats.cpu_percent,
        "system_memory_percent": stats.system_memory_percent,
        "disk_percent": stats.disk_percent,
        "disk_free_gb": round(stats.disk_free_bytes / 1_073_741_824, 1),
    }
    pressure = [
        f"{label} at {value:.0f}%"
        for label, value in (("memory", stats.system_memory_percent), ("disk", stats.disk_percent))
        if value >= WARN_PERCENT
    ]
    if pressure:
        return ComponentHealth(
            name="backend",
            status=HealthStatus.WARNING,
            message="FastAPI is serving, but " + " and ".join(pressure),
            metadata=metadata,
        )
    return ComponentHealth(
        name="backend",
        status=HealthStatus.HEALTHY,
        message=f"FastAPI is serving (RSS {rss_mb} MB)",
        metadata=metadata,
    )


class SessionCounts(Protocol):
    """What the dashboard tells `/health` about its browser sessions."""

    @property
    def refreshing(self) -> int: ...

    opened: int


def frontend_health_check(
    path: str, mounted: bool, sessions: SessionCounts | None = None
) -> HealthCheck:
    """A check for the Flet dashboard at `path` (mounted or switched off)."""

    @inline
    async def check() -> ComponentHealth:
        if not mounted:
            return ComponentHealth(
                name="frontend",
                status=HealthStatus.INFO,
                message="dashboard disabled (DASHBOARD_ENABLED=false)",
            )
        metadata: dict[str, object] = {"path": path, "framework": "flet", "offline": True}
        if sessions is not None:
            metadata["refreshing_sessions"] = sessions.refreshing
            metadata["sessions_opened"] = sessions.opened
        return ComponentHealth(
            name="frontend",
            status=HealthStatus.HEALTHY,
            message=f"Flet dashboard mounted at {path}",
            version=_flet_version(),
            metadata=metadata,
        )

    return check
