"""`<slug> scheduler jobs`: what is scheduled and when it runs next, from the best source.

1. a fresh heartbeat: the jobs of the scheduler that is running right now;
2. the SQL job store: what a restarted scheduler will resume (read as rows, so listing never
   imports, changes or drops a job);
3. the project's `register_jobs`: what a start would schedule, next runs computed now.
"""

from __future__ import annotations

import asyncio
import pickle
from dataclasses import dataclass

from aegis_scheduler.heartbeat import HeartbeatError, JobInfo, heartbeat_store
from aegis_scheduler.settings import SchedulerSettings
from aegis_scheduler.stores import JOBS_TABLE, StoreConfig, resolve_store


@dataclass(frozen=True)
class JobListing:
    source: str
    jobs: list[JobInfo]


def list_jobs(settings: SchedulerSettings) -> JobListing:
    store = resolve_store(settings)
    running = _from_heartbeat(settings, store)
    if running is not None:
        return running
    if store.kind == "sql" and store.url:
        stored = stored_jobs(store.url)
        if stored:
            return JobListing(f"job store {store.label} (scheduler not running)", stored)
    from aegis_scheduler.runner import user_jobs_module

    registered = asyncio.run(registered_jobs(settings))
    return JobListing(
        f"{user_jobs_module()} (scheduler not running; next runs as of now)", registered
    )


def _from_heartbeat(settings: SchedulerSettings, store: StoreConfig) -> JobListing | None:
    try:
        beat = heartbeat_store(settings, store).read()
    except (HeartbeatError, OSError, Exception):  # unreadable: fall back to the other sources
        return None
    if beat is None or beat.stopped_at is not None:
        return None
    age = beat.age_seconds()
    if age > settings.SCHEDULER_HEARTBEAT_MAX_AGE:
        return None
    source = f"running scheduler (pid {beat.pid} on {beat.host}, heartbeat {age:.0f}s ago)"
    return JobListing(source, beat.jobs)


def stored_jobs(url: str) -> list[JobInfo]:
    """Jobs in APScheduler's table, decoded from their pickled state without importing them."""
    from sqlalchemy import create_engine, inspect, text
    from sqlalchemy.pool import NullPool

    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table(JOBS_TABLE):
                return []
            rows = connection.execute(text(f"SELECT job_state FROM {JOBS_TABLE}")).all()
    finally:
        engine.dispose()
    jobs = [_decode(row[0]) for row in rows]
    return sorted(jobs, key=_by_next_run)


def _by_next_run(job: JobInfo) -> tuple[bool, float, str]:
    moment = job.next_run_time
    return (moment is None, moment.timestamp() if moment else 0.0, job.id)


def _decode(job_state: bytes) -> JobInfo:
    state = pickle.loads(job_state)  # written by APScheduler in our own database
    return JobInfo(
        id=state["id"],
        name=state["name"],
        trigger=str(state["trigger"]),
        next_run_time=state["next_run_time"],
    )


async def registered_jobs(settings: SchedulerSettings) -> list[JobInfo]:
    """Run `register_jobs` against a paused, memory-only scheduler and read the next runs."""
    from aegis_scheduler.runner import build_scheduler, job_info, register_user_jobs

    memory = StoreConfig("memory", None, "memory")
    scheduler = build_scheduler(settings, memory)
    register_user_jobs(scheduler)
    scheduler.start(paused=True)
    try:
        return [job_info(job) for job in scheduler.get_jobs()]
    finally:
        scheduler.shutdown(wait=False)
