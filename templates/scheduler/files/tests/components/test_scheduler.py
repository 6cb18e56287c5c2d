"""Your jobs register cleanly and can be stored by reference (what a persistent store needs)."""

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.util import obj_to_ref

from app.components.scheduler import register_jobs


def test_jobs_register_with_ids_and_importable_functions() -> None:
    scheduler = AsyncIOScheduler(timezone="UTC")
    register_jobs(scheduler)
    ids = [job.id for job in scheduler.get_jobs()]
    assert len(ids) == len(set(ids)), f"duplicate job ids: {ids}"
    for job in scheduler.get_jobs():
        obj_to_ref(job.func)  # raises for a lambda or nested function: stores save references
