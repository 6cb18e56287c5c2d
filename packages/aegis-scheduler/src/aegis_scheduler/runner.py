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
from datetime import UTC, datetime
from types import ModuleType
from typing import Any

from aegis_core.project import import_optional, project_package
from apscheduler.job import Job
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from aegis_scheduler.heartbeat import Heartbeat, HeartbeatStore, JobInfo, heartbeat_store
from aegis_scheduler.settings import SchedulerSettings
from aegis_scheduler.stores import StoreConfig, resolve_store

logger = logging.getLogger("aegis.scheduler")

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


def build_scheduler(settings: SchedulerSettings, store: StoreConfig) -> AsyncIOScheduler:
    """An AsyncIOScheduler on the chosen store; coalesce + grace so a restart runs a miss once."""
    jobstores: dict[str, Any] = {"default": _default_store(store), INTERNAL_STORE: MemoryJobStore()}
    return AsyncIOScheduler(
        jobstores=jobstores,
        timezone=settings.SCHEDULER_TIMEZONE,
        job_defaults={
            "coalesce": True,
            "max_instances": 1,
            "misfire_grace_time": settings.SCHEDULER_MISFIRE_GRACE_SECONDS,
        },
    )


def _default_store(store: StoreConfig) -> Any:
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
        self.scheduler = build_scheduler(settings, self.store)
        self.started_at = datetime.now(UTC)

    async def start(self) -> None:
        register_user_jobs(self.scheduler)
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
        final = self.snapshot(stopped=True)
        self.scheduler.shutdown(wait=False)
        await asyncio.to_thread(self.write, final)
        logger.info("scheduler stopped")

    def user_jobs(self) -> list[JobInfo]:
        return [job_info(j) for j in self.scheduler.get_jobs() if j.id != HEARTBEAT_JOB_ID]

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
        )

    def beat(self) -> None:
        """Record that we are alive (runs as a job: a beat proves jobs actually fire)."""
        self.write(self.snapshot())

    def write(self, beat: Heartbeat) -> None:
        try:
            self.heartbeats.write(beat)
        except Exception as exc:  # a heartbeat problem must not kill the user's jobs
            logger.warning("heartbeat not written to %s: %s", self.heartbeats.where, exc)


async def serve(settings: SchedulerSettings) -> None:
    """Run until SIGTERM/SIGINT, then stop cleanly (the heartbeat records the stop)."""
    service = SchedulerService(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await service.start()
    try:
        await stop.wait()
    finally:
        await service.stop()


def run(settings: SchedulerSettings | None = None) -> None:
    """Blocking entry point of the scheduler process."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    asyncio.run(serve(settings or SchedulerSettings()))
