"""Your task runs in a real worker process against a real Redis (`redis_url` fixture)."""

import os
import uuid

import pytest
from aegis_worker.testing import start_worker

from app.components.worker.pools import get_queue_pool


async def test_generate_report_runs_in_a_worker(
    redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {"REDIS_URL": redis_url, "WORKER_QUEUE_PREFIX": f"test:{uuid.uuid4().hex}"}
    for key, value in env.items():
        monkeypatch.setenv(key, value)  # a queue of its own on a shared Redis
    pool, _ = await get_queue_pool("system")
    try:
        job = await pool.enqueue_job("generate_report", 42)
        assert job is not None
        worker = start_worker(["system", "--burst"], env={**os.environ, **env})
        assert worker.process.wait(timeout=60) == 0, worker.log()
        assert (await job.result(timeout=5))["report_id"] == 42
    finally:
        await pool.aclose()
