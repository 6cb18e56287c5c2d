"""Cards for the two parts every project has, which are not `Component`s: the backend process
and this dashboard. Their health metadata is written for `/health/detailed`; here it becomes
sentences with units ("69.6 MB used by this process", "1 tab open")."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from aegis_core.component import DashboardCard
from aegis_core.health.models import ComponentHealth


def backend_card(health: ComponentHealth) -> DashboardCard:
    meta = health.metadata
    rows: list[tuple[str, str]] = []
    if "process_rss_mb" in meta:
        rows.append(("Memory", f"{_num(meta['process_rss_mb'])} MB used by this process"))
    if "process_cpu_percent" in meta:
        rows.append(("CPU", f"{_num(meta['process_cpu_percent'])} % of one core"))
    if "system_memory_percent" in meta:
        rows.append(("Machine memory", f"{_num(meta['system_memory_percent'])} % in use"))
    if "disk_free_gb" in meta:
        used = f" ({_num(meta['disk_percent'])} % used)" if "disk_percent" in meta else ""
        rows.append(("Disk", f"{_num(meta['disk_free_gb'])} GB free{used}"))
    return DashboardCard(title="Backend", rows=rows)


def frontend_card(health: ComponentHealth) -> DashboardCard:
    meta = health.metadata
    rows: list[tuple[str, str]] = []
    if "path" in meta:
        rows.append(("Address", f"{meta['path']} on this server"))
    if "offline" in meta:
        rows.append(("Works offline", "yes" if meta["offline"] else "no"))
    if "refreshing_sessions" in meta:
        tabs = int(meta["refreshing_sessions"])
        rows.append(("Open now", f"{tabs} tab{'s' if tabs != 1 else ''}"))
    if "sessions_opened" in meta:
        rows.append(("Opened since start", f"{meta['sessions_opened']} times"))
    return DashboardCard(title="Frontend", rows=rows)


BUILTIN_CARDS: Mapping[str, Callable[[ComponentHealth], DashboardCard]] = {
    "backend": backend_card,
    "frontend": frontend_card,
}


def _num(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.1f}"
    return f"{value:,}" if isinstance(value, int) else str(value)
