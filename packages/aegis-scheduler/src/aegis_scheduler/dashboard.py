"""The scheduler's button on its dashboard card: "Run job now".

The web process does not run the scheduler (except with `SCHEDULER_IN_PROCESS`), so it asks:
the request goes where the heartbeat lives, and the scheduler takes it at its next beat
(`SCHEDULER_HEARTBEAT_SECONDS`) and runs the job once, besides its schedule. The card then
shows the job's last run. Only a job the running scheduler reports can be asked for.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence

from aegis_core.component import DashboardAction

from aegis_scheduler.health import READ_TIMEOUT, in_process_service
from aegis_scheduler.heartbeat import heartbeat_store
from aegis_scheduler.settings import get_settings

JOB_ID = "job id"
MAX_JOB_ID = 191
"""APScheduler's own limit on a job id (its SQL store's column)."""


def dashboard_actions() -> Sequence[DashboardAction]:
    return [
        DashboardAction(
            label="Run job now",
            run=run_job_now,
            fields=(JOB_ID,),
            confirm="Run this scheduled job once now, besides its schedule (which stays as "
            "it is); this card shows its last run.",
        )
    ]


async def run_job_now(values: Mapping[str, str]) -> str:
    job_id = values.get(JOB_ID, "").strip()
    service = in_process_service()
    if service is not None:
        _check(job_id, [job.id for job in service.user_jobs()])
        service.runs.run_now(job_id)
        return f"{job_id} is running now"
    settings = get_settings()
    store = heartbeat_store(settings)
    beat = await asyncio.wait_for(asyncio.to_thread(store.read), READ_TIMEOUT)
    stale = beat is None or beat.age_seconds() > settings.SCHEDULER_HEARTBEAT_MAX_AGE
    if beat is None or stale or beat.stopped_at is not None:
        raise ValueError("no scheduler is running to run it; start the scheduler process")
    _check(job_id, [job.id for job in beat.jobs])
    await asyncio.to_thread(store.request_run, job_id)
    within = f"{beat.interval_seconds:g}"
    return f"the scheduler runs {job_id} within {within} s; this card shows its last run"


def _check(job_id: str, scheduled: list[str]) -> None:
    """Refuse what the scheduler would not find, naming what it would."""
    known = ", ".join(scheduled) or "none"
    if not job_id:
        raise ValueError(f"enter the id of a scheduled job: {known}")
    if len(job_id) > MAX_JOB_ID or job_id not in scheduled:
        shown = job_id if len(job_id) <= 80 else job_id[:79] + "…"
        raise ValueError(f"no scheduled job {shown!r}; jobs: {known}")
