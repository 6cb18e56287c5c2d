"""The worker's actions from the dashboard, in chromium, with real Redis, a real worker
process and real uvicorn: a task enqueued from the page is refused while its name is wrong,
then queued, and the worker card shows it finished."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from aegis_core.testing import run_server
from aegis_worker.testing import start_worker

from tests.browser.session import BrowserSession

APP = """
from aegis_core import CoreSettings, create_app

settings = CoreSettings(APP_NAME="worker-app", DASHBOARD_REFRESH_SECONDS=2)
app = create_app(settings, project_package="no_project")
"""


@pytest.fixture
def env(tmp_path: Path, redis_url: str) -> Iterator[dict[str, str]]:
    """The app's and the worker's settings; this test's own queue prefix, deleted after."""
    prefix = f"aegis-test:{uuid.uuid4().hex[:12]}"
    (tmp_path / "worker_app.py").write_text(APP)
    yield {
        **os.environ,
        "AEGIS_COMPONENTS": "worker",
        "AEGIS_PROJECT_PACKAGE": "no_project",  # built-in queues and tasks only
        "REDIS_URL": redis_url,
        "WORKER_QUEUE_PREFIX": prefix,
        "WORKER_HEALTH_CHECK_INTERVAL": "0.5",  # the card's recent jobs follow within a second
        "WORKER_POLL_DELAY": "0.05",
        "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]),
    }
    client = redis.Redis.from_url(redis_url, socket_timeout=2)
    keys = list(client.scan_iter(match=f"{prefix}*", count=500))
    if keys:
        client.delete(*keys)
    client.close()


def test_a_task_enqueued_from_the_page_is_validated_and_shows_finished_on_the_card(
    env: dict[str, str], tmp_path: Path
) -> None:
    worker = start_worker(["system"], env=env, cwd=tmp_path)
    try:
        with (
            run_server("worker_app:app", cwd=tmp_path, env=env) as server,
            BrowserSession() as browser,
        ):
            browser.goto(f"{server.url}/dashboard/", flet=True)
            assert browser.expect("Recent jobs"), browser.body_text()
            assert browser.expect("none yet"), browser.body_text()

            browser.click(role="button", name="Enqueue task")
            assert browser.expect("Enqueue one job of this task"), browser.body_text()
            browser.type_into("task", "pnig")
            browser.click(role="button", name="Run")
            assert browser.expect("Not done: unknown task 'pnig'; tasks: cpu_task"), (
                browser.body_text()
            )
            browser.type_into("task", "io_task")
            browser.type_into("arguments", '{"delay_ms": "50"}')
            browser.click(role="button", name="Run")
            assert browser.expect("delay_ms: Input should be a JSON number"), browser.body_text()

            browser.type_into("arguments", '{"delay_ms": 50}')
            browser.click(role="button", name="Run")
            assert browser.expect("Enqueue task: Done: queued io_task on load_test as job"), (
                browser.body_text()
            )
            # no worker serves load_test: the card says it waits, with nobody to run it
            assert browser.expect("1 due, no worker"), browser.body_text()

            browser.click(role="button", name="Enqueue task")
            browser.type_into("task", "ping")
            browser.type_into("arguments", "")
            browser.click(role="button", name="Run")
            assert browser.expect("Enqueue task: Done: queued ping on system as job"), (
                browser.body_text()
            )
            assert browser.expect("ping ok", timeout=20), (browser.body_text(), worker.log())
            browser.screenshot("dashboard-worker-action-desktop.png")
            assert browser.serious_accessibility_violations() == []
    finally:
        worker.stop()


def test_a_load_test_started_from_the_page_shows_its_figures_while_it_runs(
    env: dict[str, str], tmp_path: Path
) -> None:
    # two jobs at a time, 10 ms each: 1000 jobs take some seconds, long enough to watch
    worker = start_worker(["load_test"], env={**env, "WORKER_MAX_JOBS": "2"}, cwd=tmp_path)
    try:
        with (
            run_server("worker_app:app", cwd=tmp_path, env=env) as server,
            BrowserSession() as browser,
        ):
            browser.goto(f"{server.url}/dashboard/", flet=True)
            assert browser.expect("0 due, 1 worker"), (browser.body_text(), worker.log())

            browser.click(role="button", name="Start load test")
            assert browser.expect("this card shows throughput and p50/p95"), browser.body_text()
            browser.type_into("jobs", "100000")
            browser.click(role="button", name="Run")
            assert browser.expect("Not done: jobs must be a whole number from 1 to 10000"), (
                browser.body_text()
            )
            browser.type_into("jobs", "1000")
            browser.click(role="button", name="Run")
            assert browser.expect("Start load test: Done: started 1000 io jobs"), (
                browser.body_text()
            )
            assert browser.expect("Load test, running"), browser.body_text()
            assert browser.expect("/1000 io jobs, "), browser.body_text()
            text = browser.body_text()
            assert "/s, p50 " in text and " ms, p95 " in text, text
            assert browser.expect("Load test, finished in", timeout=60), browser.body_text()
            assert browser.expect("1000/1000 io jobs"), browser.body_text()
            browser.screenshot("dashboard-worker-load-test-desktop.png")
    finally:
        worker.stop()
