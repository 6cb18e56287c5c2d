"""Code users paste from the docs, run as written in a project package with a real worker
process on real Redis: arq's own `create_pool`, the `pools` stub, `WorkerSettings` in
`tasks/*.py` and in a queue module."""

from __future__ import annotations

import asyncio
import importlib
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import redis.asyncio as aioredis
from aegis_core.health.models import HealthStatus
from aegis_core.testing import wait_until
from aegis_worker.errors import UnknownTask
from aegis_worker.testing import wait_for_workers
from arq.jobs import Job

if TYPE_CHECKING:
    from conftest import Project

POOLS_STUB = (
    Path(__file__).resolve().parents[3] / "templates/worker/files/app/components/worker/pools.py"
)

# A queue module exactly as the docs show it: a task, no `functions` list.
SYSTEM_AS_DOCUMENTED = """
async def generate_report(ctx: dict, report_data: dict) -> dict:
    \"\"\"Process report generation in background.\"\"\"
    return {"status": "complete", "report_id": report_data["id"]}
"""

ROUTE_WITH_ARQ_CREATE_POOL = """
from arq import create_pool
from arq.connections import RedisSettings


async def generate_report_async(report_data: dict):
    \"\"\"Queue report generation.\"\"\"
    redis = await create_pool(RedisSettings())
    job = await redis.enqueue_job("generate_report", report_data)

    return {"job_id": str(job.job_id), "status": "queued"}
"""

ROUTE_WITH_POOLS_STUB = """
from {package}.components.worker.pools import get_queue_pool


async def queue_report(user_id: int):
    \"\"\"Queue report generation as background job.\"\"\"
    pool, _ = await get_queue_pool("system")
    job = await pool.enqueue_job("generate_report", user_id)
    await pool.aclose()
    return {{"job_id": job.job_id, "status": "queued"}}
"""

TASKS_MODULE = """
from typing import Any


async def create_user_task(ctx: dict[str, Any], user_data: dict) -> dict:
    \"\"\"Create user as background job.\"\"\"
    return {"user_id": 1, "email": user_data["email"]}

# Register in WorkerSettings
class WorkerSettings:
    functions = [create_user_task]
"""

CRON_MOVED_FROM_SCHEDULER = """
from arq import cron

# Daily report - now a worker cron job
async def generate_daily_report(ctx):
    \"\"\"Generate and send daily report.\"\"\"
    # Your logic here
    pass

class WorkerSettings:
    cron_jobs = [
        cron(generate_daily_report, hour=9, minute=0)  # Daily at 9 AM
    ]
"""


async def test_arq_create_pool_reaches_the_system_queue_worker(
    project: Project, redis_url: str
) -> None:
    """`create_pool(RedisSettings())` enqueues on arq's default queue: the system queue."""
    if redis_url != "redis://127.0.0.1:6379/0":
        pytest.fail("this pattern names no Redis: it needs the machine's Redis on port 6379")
    project.write("components/worker/queues/system.py", SYSTEM_AS_DOCUMENTED)
    project.write("reports.py", ROUTE_WITH_ARQ_CREATE_POOL)
    route = importlib.import_module(f"{project.package}.reports")
    worker = project.start_worker("system", WORKER_QUEUE_PREFIX="arq:queue")
    queued = await route.generate_report_async({"id": 5})
    client = aioredis.Redis.from_url(redis_url)
    try:
        assert queued["status"] == "queued"
        await _wait_for_result(client, queued["job_id"], worker.log)
        job = Job(queued["job_id"], client)
        assert await job.result(timeout=5) == {"status": "complete", "report_id": 5}
    finally:
        await client.delete(f"arq:result:{queued['job_id']}", f"arq:job:{queued['job_id']}")
        await client.zrem("arq:queue", queued["job_id"])
        await client.aclose()


async def test_the_pools_stub_enqueues_and_refuses_a_task_no_worker_runs(
    project: Project,
) -> None:
    project.write("components/worker/queues/system.py", SYSTEM_AS_DOCUMENTED)
    project.write("components/worker/pools.py", POOLS_STUB.read_text())
    project.write("reports.py", ROUTE_WITH_POOLS_STUB.format(package=project.package))
    route = importlib.import_module(f"{project.package}.reports")
    pools = importlib.import_module(f"{project.package}.components.worker.pools")
    project.start_worker("system")
    await wait_for_workers(project.config(), "system")

    queued = await route.queue_report({"id": 9})
    pool, _ = await pools.get_queue_pool("system")
    try:
        job = Job(queued["job_id"], pool, _queue_name=project.config().queue_name("system"))
        assert await job.result(timeout=20, poll_delay=0.05) == {
            "status": "complete",
            "report_id": 9,
        }
        with pytest.raises(UnknownTask, match="queue 'system' runs no task 'generate_reprot'"):
            await pool.enqueue_job("generate_reprot", 1)
        assert await pool.zcard(project.config().queue_name("system")) == 0
    finally:
        await pool.aclose()


async def test_worker_settings_in_tasks_and_queue_modules_are_honoured(project: Project) -> None:
    """`tasks/user_tasks.py` adds a task to `system`; a cron job moved from the scheduler is
    registered with the worker (arq lists it at startup)."""
    project.write("components/worker/tasks/user_tasks.py", TASKS_MODULE)
    project.write("components/worker/queues/system.py", CRON_MOVED_FROM_SCHEDULER)
    project.write("components/worker/pools.py", POOLS_STUB.read_text())
    pools = importlib.import_module(f"{project.package}.components.worker.pools")
    worker = project.start_worker("system")
    pool, _ = await pools.get_queue_pool("system")
    try:
        job = await pool.enqueue_job("create_user_task", {"email": "a@b.c"})
        assert job is not None
        assert await job.result(timeout=20, poll_delay=0.05) == {"user_id": 1, "email": "a@b.c"}
    finally:
        await pool.aclose()
    wait_until(lambda: "cron:generate_daily_report" in worker.log(), 10, what="the cron job listed")


async def _wait_for_result(client: aioredis.Redis, job_id: str, log: Callable[[], str]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if await client.exists(f"arq:result:{job_id}"):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"job {job_id} never finished\n{log()}")


async def test_a_job_for_a_task_nobody_runs_is_reported_by_health_and_status(
    project: Project,
) -> None:
    """arq's own pool enqueues any name; /health and `worker status` say which name is wrong."""
    from aegis_worker.connection import connect
    from aegis_worker.health import worker_health

    config = project.config()
    pool = connect(config.REDIS_URL, timeout=5, bounded=False)
    try:
        await pool.enqueue_job("generate_reprot", 1, _queue_name=config.queue_name("system"))
    finally:
        await pool.aclose()
    health = (await worker_health(config)).propagated()
    system = health.sub_components["system"]
    assert system.status is HealthStatus.UNHEALTHY, system
    assert "jobs wait for 'generate_reprot', which this queue does not run" in system.message
    assert system.metadata["unknown_tasks"] == ["generate_reprot"]
    status = project.cli("worker", "status")
    assert status.returncode == 0, status.stderr
    assert "jobs on system name tasks it does not run (they can only fail): generate_reprot" in (
        status.stderr
    )
