"""Health and dashboard card from real Redis and real workers, including a Redis outage."""

from __future__ import annotations

import time
from contextlib import ExitStack
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx
from aegis_core.health.models import HealthStatus
from aegis_core.testing import dashboard_view, run_server, start_private_redis, wait_until
from aegis_worker import get_queue_pool
from aegis_worker.component import component
from aegis_worker.health import dashboard_card, worker_health
from aegis_worker.testing import wait_for_workers

if TYPE_CHECKING:
    from conftest import Project

MAIN = """
from aegis_core import create_app

app = create_app(project_package=__name__.split(".")[0])
"""


async def test_jobs_waiting_without_a_worker_is_unhealthy_until_one_runs(project: Project) -> None:
    pool, _ = await get_queue_pool("system")
    try:
        job = await pool.enqueue_job("ping")
        assert job is not None
        stalled = (await worker_health()).propagated()
        assert dict(dashboard_card(stalled).rows)["system"] == "1 due, no worker"
        assert stalled.status is HealthStatus.UNHEALTHY
        system = stalled.sub_components["system"]
        assert system.status is HealthStatus.UNHEALTHY
        assert "1 jobs due and no live worker" in system.message
        assert stalled.sub_components["load_test"].status is HealthStatus.INFO  # idle, no worker
        redis = stalled.sub_components["redis"]
        assert redis.status is HealthStatus.HEALTHY
        assert redis.metadata["used_memory"] and redis.metadata["latency_ms"] > 0

        worker = project.start_worker("system")
        assert (await job.result(timeout=20, poll_delay=0.05))["pong"] is True, worker.log()
        await wait_for_workers(project.config(), "system")
        time.sleep(1.2)  # one heartbeat publishes the recent jobs
        healthy = (await worker_health()).propagated()
        system = healthy.sub_components["system"]
        assert system.status is HealthStatus.HEALTHY
        assert system.metadata["workers"] == 1 and system.metadata["ready"] == 0
        assert system.metadata["arq"]["j_complete"] == "1"
        assert [j["function"] for j in system.metadata["recent_jobs"]] == ["ping"]

        card = dict(dashboard_card(healthy).rows)
        assert card["system"] == "0 due, 1 worker"
        assert card["load_test"] == "0 due, no worker"
        assert card["Redis"].endswith("used") and card["Recent jobs"] == "ping ok"
        shown = dashboard_view(healthy, component)  # how aegis-core's dashboard renders it
        assert shown.title == "Worker" and ("Recent jobs", "ping ok") in shown.rows
    finally:
        await pool.aclose()


def test_redis_outage_is_reported_in_time_and_recovered_from(
    project: Project, redis_binary: None
) -> None:
    """Stop a private Redis under a running API and worker; start it again on the same port."""
    project.write("main.py", MAIN)
    with ExitStack() as stack:
        redis_context = start_private_redis()
        url = redis_context.__enter__()
        port = urlsplit(url).port
        assert port is not None
        env = {**project.env, "REDIS_URL": url, "HEALTH_CHECK_TIMEOUT": "2"}
        env["HEALTH_CACHE_SECONDS"] = "0"  # the outage must show at once, not a second later
        server = stack.enter_context(
            run_server(f"{project.package}.main:app", cwd=project.root, env=env)
        )
        worker = project.start_worker(**{**_only_changes(env, project.env)})
        wait_until(lambda: _worker_health(server.url)["status"] == "healthy", 30, what="healthy")

        redis_context.__exit__(None, None, None)  # Redis goes away
        started = time.monotonic()
        response = httpx.get(f"{server.url}/health/detailed", timeout=10)
        elapsed = time.monotonic() - started
        assert response.status_code == 503
        worker_node = response.json()["components"]["worker"]
        assert worker_node["status"] == "unhealthy"
        assert worker_node["sub_components"]["redis"]["status"] == "unhealthy"
        assert "cannot reach Redis" in worker_node["message"]  # our answer, not the timeout's
        assert elapsed < 2.0
        assert httpx.get(f"{server.url}/api/worker/tasks").status_code == 200
        assert httpx.post(f"{server.url}/api/worker/tasks/ping", json={}).status_code == 503

        stack.enter_context(start_private_redis(port))  # Redis is back, empty, on the same port
        wait_until(lambda: _worker_health(server.url)["status"] == "healthy", 30, what="recovery")
        assert worker.process.poll() is None, worker.log()
        assert "lost Redis" in worker.log() and "Redis is back" in worker.log()
        assert httpx.post(f"{server.url}/api/worker/tasks/ping", json={}).status_code == 202


def _worker_health(url: str) -> dict[str, Any]:
    node: dict[str, Any] = httpx.get(f"{url}/health/detailed", timeout=10).json()
    worker: dict[str, Any] = node["components"]["worker"]
    return worker


def _only_changes(env: dict[str, str], base: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in env.items() if base.get(k) != v}


async def test_a_broken_queue_module_is_named_by_health(project: Project) -> None:
    project.write("components/worker/queues/system.py", "import not_installed_anywhere\n")
    health = await worker_health()
    assert health.status is HealthStatus.UNHEALTHY
    assert f"{project.package}.components.worker.queues.system failed to import" in health.message
