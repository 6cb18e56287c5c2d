"""Tasks of the `system` queue: yours, next to the built-in ones (ping, queue_depths).

Register each task below; enqueue it from anywhere with
    pool, _ = await get_queue_pool("system")   # from aegis_worker import get_queue_pool
    await pool.enqueue_job("generate_report", 42)
    await pool.aclose()
or over HTTP: POST /api/worker/tasks/generate_report {"args": [42]}.
Another file in this folder (e.g. emails.py) creates a queue of that name.
"""

from typing import Any

from arq import cron

from app.services.reports import build_report


async def generate_report(ctx: dict[str, Any], report_id: int) -> dict[str, object]:
    """A thin wrapper: the work itself lives in app/services/."""
    return build_report(report_id)


async def generate_daily_report(ctx: dict[str, Any]) -> None:
    build_report(report_id=0)


class WorkerSettings:
    functions = [generate_report]
    cron_jobs = [cron(generate_daily_report, hour=9, minute=0)]  # daily at 09:00
