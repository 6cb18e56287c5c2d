"""Tasks of the `system` queue: yours, next to the built-in ones (ping, queue_depths).

Enqueue with `get_queue_pool("system")` (app/components/worker/pools.py), with arq's own
`create_pool(RedisSettings())` (this queue is arq's default one), or over HTTP:
POST /api/worker/tasks/generate_report {"report_id": 42}. Files in ../tasks/ add tasks here
too; another file in this folder (e.g. emails.py) creates a queue of that name.
"""

from datetime import UTC, datetime
from typing import Any

from arq import cron


async def generate_report(ctx: dict[str, Any], report_id: int) -> dict[str, object]:
    """Keep tasks thin: put the work in app/services/ and call it from here."""
    return {"report_id": report_id, "generated_at": datetime.now(UTC).isoformat()}


async def generate_daily_report(ctx: dict[str, Any]) -> None:
    await generate_report(ctx, report_id=0)


class WorkerSettings:  # arq-style: functions, cron_jobs, max_jobs, job_timeout, ...
    functions = [generate_report, generate_daily_report]  # each can be enqueued by name
    cron_jobs = [cron(generate_daily_report, hour=9, minute=0)]  # daily at 09:00
