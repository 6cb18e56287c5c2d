"""Database health: connect, `SELECT 1`, time it; never hang, always say which database.

The probe runs in a thread on an unpooled engine, a new connection each time (so a starved
pool cannot make health lie), and is bounded twice: the driver's connect timeout ends the
thread, and `DATABASE_HEALTH_TIMEOUT` ends the wait, so `/health` answers even if the server
never does.
"""

from __future__ import annotations

import asyncio
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aegis_core.component import DashboardCard
from aegis_core.health.models import ComponentHealth, HealthStatus
from aegis_core.messages import one_line
from aegis_core.project import project_dir
from sqlalchemy import inspect, text
from sqlalchemy.engine import URL, Connection

from aegis_database.engine import get_unpooled_engine
from aegis_database.settings import DatabaseSettings, get_settings
from aegis_database.urls import describe, mask, sqlite_path, sync_url


@dataclass(frozen=True)
class Probe:
    latency_ms: float
    server_version: str | None


async def check_database(settings: DatabaseSettings | None = None) -> ComponentHealth:
    """Healthy when `SELECT 1` answers; unhealthy with the reason (one line) otherwise."""
    settings = settings or get_settings()
    url = sync_url(settings.DATABASE_URL)
    metadata = _static_metadata(url)
    timeout = settings.DATABASE_HEALTH_TIMEOUT
    started = time.monotonic()
    try:
        probe = await asyncio.wait_for(asyncio.to_thread(_probe, url, settings), timeout)
    except TimeoutError:
        return _unhealthy(f"{describe(url)} did not answer within {timeout:g}s", metadata)
    except Exception as exc:
        return _unhealthy(f"cannot reach {describe(url)}: {one_line(exc)}", metadata)
    metadata.update(_file_metadata(url))
    metadata["latency_ms"] = probe.latency_ms
    if probe.server_version:
        metadata["server_version"] = probe.server_version
    # Reachability is decided; migrations get what is left of the budget, and never more.
    remaining = max(0.1, timeout - (time.monotonic() - started))
    try:
        pending, error = await asyncio.wait_for(
            asyncio.to_thread(pending_migrations, url, settings), remaining
        )
    except TimeoutError:
        pending, error = None, None
    metadata["migrations"] = pending if pending is not None else "unknown"
    message = _healthy_message(url, probe, metadata)
    status, message = _migration_verdict(pending, error, message)
    return ComponentHealth(name="database", status=status, message=message, metadata=metadata)


def _migration_verdict(
    pending: dict[str, int] | None, error: str | None, message: str
) -> tuple[HealthStatus, str]:
    """The database answers; warn when it lacks migrations the installed code expects."""
    if error is not None:
        return HealthStatus.WARNING, f"{message}; migrations unreadable: {error}"
    behind = {label: n for label, n in (pending or {}).items() if n}
    if not behind:
        return HealthStatus.HEALTHY, message
    detail = ", ".join(f"{label} {n}" for label, n in sorted(behind.items()))
    return HealthStatus.WARNING, f"{message}; migrations pending ({detail}): run `make migrate`"


def _probe(url: URL, settings: DatabaseSettings) -> Probe:
    started = time.perf_counter()
    with get_unpooled_engine(url, settings).connect() as connection:
        connection.execute(text("SELECT 1")).scalar_one()
        latency = round((time.perf_counter() - started) * 1000, 2)
        info = connection.dialect.server_version_info
    version = ".".join(str(part) for part in info) if info else None
    return Probe(latency, version)


def pending_migrations(
    url: URL, settings: DatabaseSettings
) -> tuple[dict[str, int] | None, str | None]:
    """Per branch, how many installed migrations the database lacks (code may need them)."""
    with get_unpooled_engine(url, settings).connect() as connection:
        return _pending_on(connection, settings)


def _pending_on(
    connection: Connection, settings: DatabaseSettings
) -> tuple[dict[str, int] | None, str | None]:
    """Compare the installed lineages (read once per process by a subprocess, so alembic never
    loads here: `migrations/lineage.py`) with the revisions the database has applied."""
    from aegis_database.migrations.lineage import installed_lineages, statuses

    try:
        lineages = installed_lineages(settings)
        current = applied_revisions(connection)
    except subprocess.TimeoutExpired:
        return None, None  # unknown: the scripts took too long to read, retried next time
    except Exception as exc:  # a broken migration must not hide that the database answers
        return None, one_line(exc)
    return {s.label: s.pending for s in statuses(lineages, current)}, None


def applied_revisions(connection: Connection) -> set[str]:
    """What alembic records as applied; no `alembic_version` table means nothing is."""
    if not inspect(connection).has_table("alembic_version"):
        return set()
    return {row[0] for row in connection.execute(text("SELECT version_num FROM alembic_version"))}


def _static_metadata(url: URL) -> dict[str, Any]:
    return {"dialect": url.get_backend_name(), "driver": url.get_driver_name(), "url": mask(url)}


def _file_metadata(url: URL) -> dict[str, Any]:
    path = sqlite_path(url)
    if path is None:
        return {}
    size = path.stat().st_size if path.exists() else 0
    return {"path": str(path), "size_bytes": size, "size": human_size(size)}


def _healthy_message(url: URL, probe: Probe, metadata: dict[str, Any]) -> str:
    where = describe(url)
    if "size" in metadata:
        where = f"sqlite {display_path(Path(metadata['path']))} ({metadata['size']})"
    elif probe.server_version:
        location = describe(url).split(" ", 1)[1]
        where = f"{url.get_backend_name()} {probe.server_version} at {location}"
    return f"{where}: SELECT 1 in {probe.latency_ms:g} ms"


def display_path(path: Path) -> str:
    """Relative to the project when inside it (`data/app.db`), else absolute."""
    try:
        return str(path.relative_to(project_dir()))
    except ValueError:
        return str(path)


def _unhealthy(message: str, metadata: dict[str, Any]) -> ComponentHealth:
    return ComponentHealth(
        name="database", status=HealthStatus.UNHEALTHY, message=message, metadata=metadata
    )


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"  # pragma: no cover


def dashboard_card(health: ComponentHealth) -> DashboardCard:
    """Status first, then where the data lives and how fast it answers."""
    meta = health.metadata
    rows: list[tuple[str, str]] = [("status", f"{health.status}: {health.message}")]
    rows.append(("engine", f"{meta.get('dialect', '?')} ({meta.get('driver', '?')})"))
    rows.append(("location", str(meta.get("path") or meta.get("url", "?"))))
    if "size" in meta:
        rows.append(("size", str(meta["size"])))
    if "server_version" in meta and "size" not in meta:
        rows.append(("server", str(meta["server_version"])))
    if "latency_ms" in meta:
        rows.append(("SELECT 1", f"{meta['latency_ms']} ms"))
    migrations = meta.get("migrations")
    if isinstance(migrations, dict):
        for label, pending in sorted(migrations.items()):
            rows.append(
                (f"migrations {label}", "up to date" if not pending else f"{pending} pending")
            )
    return DashboardCard(title="Database", rows=rows)
