"""Your scheduled jobs: the scheduler process calls register_jobs() once at start.

Give every job an explicit `id` and `replace_existing=True`, and use module-level functions:
with a persistent job store (aegis-database installed) jobs are saved by reference.
"""

from apscheduler.schedulers.asyncio import AsyncIOScheduler


def register_jobs(scheduler: AsyncIOScheduler) -> None:
    """Register all scheduled jobs, e.g.

    scheduler.add_job(
        generate_daily_report,
        trigger=CronTrigger(hour=9, minute=0),  # from apscheduler.triggers.cron
        id="daily_report",
        name="Generate Daily Report",
        replace_existing=True,
    )
    """
