"""Scheduler health as the *web* process can truthfully know it.

The scheduler runs in its own process, so the web process judges it by its heartbeat: healthy
only when a fresh one says the scheduler is running; otherwise a warning that says what is
known (no heartbeat yet, stopped at, silent since) and what is not. In-process mode
(`SCHEDULER_IN_PROCESS=true`) is checked directly.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from aegis_core.component import DashboardCard
from aegis_core.health.models import ComponentHealth, HealthStatus
from aegis_core.messages import one_line

from aegis_scheduler.heartbeat import Heartbeat, JobInfo, heartbeat_store
from aegis_scheduler.settings import SchedulerSettings, get_settings

READ_TIMEOUT = 1.5
START_HINT = (
    "start the scheduler process (`make scheduler`, or `scheduler run` of the project CLI), "
    "or set SCHEDULER_IN_PROCESS=true in development"
)

_in_process: Any = None
"""The SchedulerService started by the lifespan in in-process mode, if any."""


def set_in_process(service: Any) -> None:
    global _in_process
    _in_process = service


def in_process_service() -> Any:
    """The scheduler running in this process (`SCHEDULER_IN_PROCESS`), if it runs."""
    return _in_process if _in_process is not None and _in_process.scheduler.running else None


async def check_scheduler(settings: SchedulerSettings | None = None) -> ComponentHealth:
    settings = settings or get_settings()
    if _in_process is not None and _in_process.scheduler.running:
        return verdict(_in_process.snapshot(), settings)
    try:
        store = heartbeat_store(settings)
        beat = await asyncio.wait_for(asyncio.to_thread(store.read), READ_TIMEOUT)
    except Exception as exc:
        message = f"cannot read the scheduler heartbeat: {one_line(exc)}"
        return _health(HealthStatus.WARNING, message, {})
    if beat is None:
        message = f"no heartbeat from a scheduler process in {store.where}; {START_HINT}"
        return _health(HealthStatus.WARNING, message, {"heartbeat": store.where})
    return verdict(beat, settings, where=store.where)


def verdict(beat: Heartbeat, settings: SchedulerSettings, where: str = "") -> ComponentHealth:
    """Healthy only for a fresh heartbeat of a running scheduler."""
    age = round(beat.age_seconds(), 1)
    who = f"pid {beat.pid} on {beat.host}"
    meta = _metadata(beat, age, where)
    if beat.in_process and beat.stopped_at is None and age <= settings.SCHEDULER_HEARTBEAT_MAX_AGE:
        who = "in this process (SCHEDULER_IN_PROCESS)"
    if beat.stopped_at is not None:
        at = beat.stopped_at.isoformat(timespec="seconds")
        return _health(
            HealthStatus.WARNING, f"scheduler ({who}) stopped at {at}; {START_HINT}", meta
        )
    if age > settings.SCHEDULER_HEARTBEAT_MAX_AGE:
        message = f"last heartbeat {age:g}s ago ({who}): the scheduler process is down or stuck"
        return _health(HealthStatus.WARNING, message, meta)
    return _health(HealthStatus.HEALTHY, f"running {who}: {summary(beat.jobs)}", meta)


def summary(jobs: list[JobInfo]) -> str:
    if not jobs:
        return "no jobs (add them in app/components/scheduler.py)"
    count = f"{len(jobs)} job{'s' if len(jobs) != 1 else ''}"
    upcoming = [(j.next_run_time, j.id) for j in jobs if j.next_run_time is not None]
    if not upcoming:
        return f"{count}, all paused"
    when, first = min(upcoming)
    return f"{count}, next {first} at {format_time(when)}"


def format_time(moment: datetime | None) -> str:
    return "paused" if moment is None else moment.strftime("%Y-%m-%d %H:%M:%S %Z").strip()


def _metadata(beat: Heartbeat, age: float, where: str) -> dict[str, Any]:
    return {
        "pid": beat.pid,
        "host": beat.host,
        "heartbeat_age_seconds": age,
        "heartbeat": where or "in process",
        "jobstore": beat.jobstore,
        "timezone": beat.timezone,
        "jobs": [j.model_dump(mode="json") for j in beat.jobs],
        "last_runs": {job: run.model_dump(mode="json") for job, run in beat.last_runs.items()},
        "scheduled_runs_total": beat.runs_total,
    }


def _health(status: HealthStatus, message: str, metadata: dict[str, Any]) -> ComponentHealth:
    return ComponentHealth(name="scheduler", status=status, message=message, metadata=metadata)


def dashboard_card(health: ComponentHealth) -> DashboardCard:
    """Where it runs, then one row per job with its last and next run (status and message
    are shown above the rows by aegis-core)."""
    meta = health.metadata
    rows: list[tuple[str, str]] = []
    if "pid" in meta:
        rows.append(("process", f"pid {meta['pid']} on {meta['host']}"))
        rows.append(("heartbeat", f"{meta['heartbeat_age_seconds']}s ago"))
        rows.append(("job store", str(meta["jobstore"])))
    last_runs = meta.get("last_runs", {})
    for job in meta.get("jobs", []):
        when = job["next_run_time"] or "paused"
        last = last_runs.get(job["id"])
        ran = f"ran {last['at']} {'ok' if last['ok'] else 'failed'}, " if last else ""
        rows.append((str(job["id"]), f"{ran}next {when} ({job['trigger']})"))
    return DashboardCard(title="Scheduler", rows=rows)
