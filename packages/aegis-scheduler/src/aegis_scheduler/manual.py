"""Each job's last run, and "Run job now": a job run once, now, besides its schedule.

A manual run is a one-off copy of the job (same function and arguments, a date trigger of
now) in the scheduler's own memory store, so the job's schedule is untouched: an interval job
keeps its rhythm, and nothing is written to the user's job store. Last runs are recorded from
APScheduler's events, so a manual run and a scheduled one are reported the same way.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from aegis_core.messages import one_line
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, JobExecutionEvent
from apscheduler.schedulers.base import BaseScheduler

from aegis_scheduler.heartbeat import LastRun

logger = logging.getLogger("aegis.scheduler")


class RunTracker:
    """Records last runs of `scheduler`'s jobs and starts manual runs; `changed` is called
    after each recorded run (the service writes a heartbeat then, so the card shows it)."""

    def __init__(
        self,
        scheduler: BaseScheduler,
        store: str,
        ignored: frozenset[str],
        changed: Callable[[], None],
    ) -> None:
        self.scheduler = scheduler
        self.store = store
        self.ignored = ignored
        self.changed = changed
        self.last_runs: dict[str, LastRun] = {}
        self.runs_total = 0
        """Runs of the user's jobs since start: the dashboard draws its rate."""
        self._manual: dict[str, str] = {}
        """One-off job id → the job it runs once."""
        scheduler.add_listener(self._ran, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)

    def run_now(self, job_id: str) -> bool:
        """Start `job_id` once, now; False when there is no such job of the user's."""
        job = None if job_id in self.ignored else self.scheduler.get_job(job_id)
        if job is None:
            return False
        once = f"{job_id}@now-{uuid.uuid4().hex[:8]}"
        self._manual[once] = job_id
        self.scheduler.add_job(
            job.func,
            "date",
            args=job.args,
            kwargs=job.kwargs,
            id=once,
            name=job.name,
            jobstore=self.store,
            executor=job.executor,
            misfire_grace_time=None,
        )
        logger.info("running %s now (asked from the dashboard)", job_id)
        return True

    def _ran(self, event: JobExecutionEvent) -> None:
        original = self._manual.pop(event.job_id, None)
        job_id = original or event.job_id
        if job_id in self.ignored:
            return
        error = one_line(event.exception) if event.exception is not None else ""
        self.runs_total += 1
        self.last_runs[job_id] = LastRun(
            at=datetime.now(UTC), ok=event.exception is None, error=error, manual=bool(original)
        )
        self.changed()
