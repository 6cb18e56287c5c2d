"""The scheduler itself: build it, load the user's jobs, run it, and keep the heartbeat.

Used by the scheduler process (`<slug> scheduler run`, `app/entrypoints/scheduler.py`) and,
with `SCHEDULER_IN_PROCESS=true`, by the web process's lifespan.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import threading
from contextlib import suppress
from datetime import UTC, datetime
from types import ModuleType
from typing import Any

from aegis_core.project import import_optional, project_package
from apscheduler.job import Job
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from aegis_scheduler.heartbeat import Heartbeat, HeartbeatStore, JobInfo, heartbeat_store
from aegis_scheduler.leader import LeaseLost, hold_lease, leader_lease, wait_for_lease
from aegis_scheduler.leader import release as _release
from aegis_scheduler.manual import RunTracker
from aegis_scheduler.settings import SchedulerSettings, get_settings
from aegis_scheduler.stores import StoreConfig, resolve_store
from aegis_scheduler.tables import ensure_table

logger = logging.getLogger("aegis.scheduler")

USER_STORE = "default"
INTERNAL_STORE = "aegis"
"""A memory store for our own heartbeat job, so it is never written to the user's store."""
HEARTBEAT_JOB_ID = "aegis-scheduler-heartbeat"


class _QuietHeartbeat(logging.Filter):
    """APScheduler logs every run; our heartbeat would drown the user's jobs in the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        return HEARTBEAT_JOB_ID not in record.getMessage()


logging.getLogger("apscheduler.executors.default").addFilter(_QuietHeartbeat())
logging.getLogger("apscheduler.scheduler").addFilter(_QuietHeartbeat())


def user_jobs_module() -> str:
    return f"{project_package()}.components.scheduler"


def build_scheduler(
    settings: SchedulerSettings, store: StoreConfig, jobstore: Any = None
) -> AsyncIOScheduler:
    """An AsyncIOScheduler on the chosen store; coalesce + grace so a restart runs a miss once."""
    user_store = jobstore if jobstore is not None else user_jobstore(store)
    jobstores: dict[str, Any] = {USER_STORE: user_store, INTERNAL_STORE: MemoryJobStore()}
    return AsyncIOScheduler(
        jobstores=jobstores,
        timezone=settings.SCHEDULER_TIMEZONE,
        job_defaults={
            "coalesce": True,
            "max_instances": 1,
            "misfire_grace_time": settings.SCHEDULER_MISFIRE_GRACE_SECONDS,
        },
    )


def user_jobstore(store: StoreConfig) -> Any:
    """The APScheduler store for the user's jobs: memory, or SQL on the configured URL."""
    if store.kind == "memory":
        return MemoryJobStore()
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore

    return SQLAlchemyJobStore(url=store.url, engine_options={"pool_pre_ping": True})


def register_user_jobs(scheduler: AsyncIOScheduler) -> ModuleType | None:
    """Call `register_jobs(scheduler)` from the project's stub, when there is one."""
    module = import_optional(user_jobs_module())
    if module is None:
        logger.info("no %s: running without user jobs", user_jobs_module())
        return None
    register = getattr(module, "register_jobs", None)
    if not callable(register):
        logger.warning("%s defines no register_jobs(scheduler); no jobs added", module.__name__)
        return module
    register(scheduler)
    return module


def job_info(job: Job) -> JobInfo:
    return JobInfo(
        id=job.id,
        name=job.name,
        trigger=str(job.trigger),
        next_run_time=getattr(job, "next_run_time", None),
    )


class SchedulerService:
    """One running scheduler plus its heartbeat; start() and stop() from inside a loop."""

    def __init__(self, settings: SchedulerSettings, *, in_process: bool = False) -> None:
        self.settings = settings
        self.in_process = in_process
        self.store = resolve_store(settings)
        self.heartbeats: HeartbeatStore = heartbeat_store(settings, self.store)
        self.jobstore = user_jobstore(self.store)
        self.scheduler = build_scheduler(settings, self.store, self.jobstore)
        self.started_at = datetime.now(UTC)
        self._writing = threading.Lock()
        self._stopped = False
        """Set with the final beat: a heartbeat job still running in its thread when the
        scheduler stops must not overwrite the stop with an 'alive' beat afterwards."""
        self.runs = RunTracker(
            self.scheduler, INTERNAL_STORE, frozenset({HEARTBEAT_JOB_ID}), self._beat_soon
        )
        """Last runs, and "Run job now" (asked through the heartbeat store at each beat)."""

    async def start(self) -> None:
        register_user_jobs(self.scheduler)
        if hasattr(self.jobstore, "jobs_t"):  # SQL: create its table without racing a replica
            await asyncio.to_thread(ensure_table, self.jobstore.engine, self.jobstore.jobs_t)
        self.scheduler.start()
        self.scheduler.add_job(
            self.beat,
            "interval",
            seconds=self.settings.SCHEDULER_HEARTBEAT_SECONDS,
            id=HEARTBEAT_JOB_ID,
            name=HEARTBEAT_JOB_ID,
            jobstore=INTERNAL_STORE,
            replace_existing=True,
        )
        await asyncio.to_thread(self.beat)
        jobs = ", ".join(j.id for j in self.user_jobs()) or "none"
        logger.info("scheduler started (store: %s); jobs: %s", self.store.label, jobs)

    async def stop(self) -> None:
        self.scheduler.shutdown(wait=False)
        await asyncio.to_thread(self._write_final, self.snapshot(stopped=True))
        logger.info("scheduler stopped")

    def _write_final(self, beat: Heartbeat) -> None:
        with self._writing:
            self._stopped = True
            self.write(beat)

    def user_jobs(self) -> list[JobInfo]:
        """The user's jobs: not our heartbeat, nor a one-off "run now" copy (our store)."""
        return [job_info(j) for j in self.scheduler.get_jobs(jobstore=USER_STORE)]

    def snapshot(self, *, stopped: bool = False) -> Heartbeat:
        now = datetime.now(UTC)
        return Heartbeat(
            pid=os.getpid(),
            host=socket.gethostname(),
            started_at=self.started_at,
            beat_at=now,
            stopped_at=now if stopped else None,
            interval_seconds=self.settings.SCHEDULER_HEARTBEAT_SECONDS,
            jobstore=self.store.label,
            timezone=self.settings.SCHEDULER_TIMEZONE,
            in_process=self.in_process,
            jobs=self.user_jobs(),
            last_runs=dict(self.runs.last_runs),
            runs_total=self.runs.runs_total,
        )

    def beat(self) -> None:
        """Record that we are alive (runs as a job: a beat proves jobs actually fire)."""
        with self._writing:
            if not self._stopped:
                self._take_run_requests()
                self.write(self.snapshot())

    def _take_run_requests(self) -> None:
        try:
            asked = self.heartbeats.take_run_requests()
        except Exception as exc:  # like a heartbeat problem: never fatal to the user's jobs
            logger.warning("run requests not read from %s: %s", self.heartbeats.where, exc)
            return
        for job_id in asked:
            if not self.runs.run_now(job_id):
                logger.warning("asked to run %r now, but no such job is scheduled", job_id)

    def _beat_soon(self) -> None:
        """After a job ran: beat now, not in up to an interval, so its last run shows."""
        with suppress(Exception):  # stopping: the final beat records it
            now = datetime.now(UTC)
            self.scheduler.modify_job(HEARTBEAT_JOB_ID, INTERNAL_STORE, next_run_time=now)

    def write(self, beat: Heartbeat) -> None:
        try:
            self.heartbeats.write(beat)
        except Exception as exc:  # a heartbeat problem must not kill the user's jobs
            logger.warning("heartbeat not written to %s: %s", self.heartbeats.where, exc)


async def serve(settings: SchedulerSettings) -> None:
    """Run until SIGTERM/SIGINT, then stop cleanly (the heartbeat records the stop).

    Replicas elect one leader through a lease (aegis_scheduler.leader): only the holder
    schedules; the others wait as standbys. Raises LeaseLost when the leader
    cannot renew its lease (it has stopped scheduling by then)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    lease = leader_lease(settings)
    if not await wait_for_lease(lease, stop):
        return  # stopped while standing by
    service = SchedulerService(settings)
    await service.start()
    try:
        lost = await hold_lease(lease, stop)
    finally:
        await service.stop()
        await asyncio.to_thread(_release, lease)
    if lost:
        raise LeaseLost("lost the scheduler leader lease; stopped scheduling (a standby leads)")


def run(settings: SchedulerSettings | None = None) -> None:
    """Blocking entry point of the scheduler process; bad settings are one line, exit 2."""
    from aegis_core.logs import configure_logging
    from aegis_core.settings import exit_on_settings_error

    with exit_on_settings_error():
        configure_logging("INFO")  # the web process's format (`LOG_FORMAT=json` too)
        try:
            asyncio.run(serve(settings or get_settings()))
        except LeaseLost as exc:
            logger.error("%s", exc)
            raise SystemExit(1) from None
