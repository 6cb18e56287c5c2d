"""The two parts every project has: the backend process and the frontend dashboard."""

from __future__ import annotations

import asyncio
import os
from importlib.metadata import PackageNotFoundError, version

import psutil

from aegis_core.component import HealthCheck
from aegis_core.health.models import ComponentHealth, HealthStatus

WARN_PERCENT = 90.0


def _flet_version() -> str | None:
    try:
        return version("flet")
    except PackageNotFoundError:
        return None


async def backend_health() -> ComponentHealth:
    """Process memory and CPU, plus the disk the app runs from; warns above 90 % use."""
    return await asyncio.to_thread(_backend_snapshot)


def _backend_snapshot() -> ComponentHealth:
    process = psutil.Process()
    memory = psutil.virtual_memory()
    disk = psutil.disk_usage(os.getcwd())
    rss_mb = round(process.memory_info().rss / 1_048_576, 1)
    cpu = process.cpu_percent(interval=None)
    metadata = {
        "pid": process.pid,
        "process_rss_mb": rss_mb,
        "process_cpu_percent": cpu,
        "system_memory_percent": memory.percent,
        "disk_percent": disk.percent,
        "disk_free_gb": round(disk.free / 1_073_741_824, 1),
    }
    pressure = [
        f"{label} at {value:.0f}%"
        for label, value in (("memory", memory.percent), ("disk", disk.percent))
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


def frontend_health_check(path: str, mounted: bool) -> HealthCheck:
    """A check for the Flet dashboard at `path` (mounted or switched off)."""

    async def check() -> ComponentHealth:
        if not mounted:
            return ComponentHealth(
                name="frontend",
                status=HealthStatus.INFO,
                message="dashboard disabled (DASHBOARD_ENABLED=false)",
            )
        return ComponentHealth(
            name="frontend",
            status=HealthStatus.HEALTHY,
            message=f"Flet dashboard mounted at {path}",
            version=_flet_version(),
            metadata={"path": path, "framework": "flet", "offline": True},
        )

    return check
