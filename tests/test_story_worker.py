"""The "second month" of a project, end to end: `aegis add worker` on a project that already has the
scheduler; a scheduled job enqueues a worker task (Scheduler → Worker) and a separate worker
process completes it. Real uv, real Redis, real processes."""

from __future__ import annotations

import json
import os
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from aegis_core.testing import compose_binary, wait_until

from tests.browser.browser import render_dashboard
from tests.conftest import PROJECT_NAME
from tests.support import REPO, aegis, run, serve_project, venv_bin

SCHEDULED_JOB = '''
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from aegis_worker import get_queue_pool


async def schedule_reports() -> None:
    """Scheduler triggers the worker for the heavy lifting."""
    pool, _ = await get_queue_pool("system")
    await pool.enqueue_job("generate_report", 7)
    await pool.aclose()


def register_jobs(scheduler: AsyncIOScheduler) -> None:
    scheduler.add_job(
        schedule_reports, "interval", seconds=1, id="schedule_reports", replace_existing=True
    )
'''

REPORT_SERVICE = """
import os
from datetime import UTC, datetime


def build_report(report_id: int) -> dict[str, object]:
    with open(os.environ["REPORT_MARKS"], "a") as marks:
        marks.write(f"{report_id}\\n")
    return {"report_id": report_id, "status": "complete", "at": datetime.now(UTC).isoformat()}
"""


SYSTEM_QUEUE = """
from typing import Any

from app.services.reports import build_report


async def generate_report(ctx: dict[str, Any], report_id: int) -> dict[str, object]:
    return build_report(report_id)
"""


def commit(project: Path, message: str) -> None:
    assert run(["git", "add", "-A"], cwd=project).returncode == 0
    done = run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", message], cwd=project
    )
    assert done.returncode == 0, done.output


@contextmanager
def process(project: Path, env: dict[str, str], *args: str) -> Iterator[subprocess.Popen[bytes]]:
    log = project / f"{args[0]}.log"
    with open(log, "wb") as out:
        child = subprocess.Popen(
            [venv_bin(project, PROJECT_NAME), *args],
            cwd=project,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        yield child
    finally:
        child.terminate()
        child.wait(timeout=30)


def test_scheduled_job_enqueues_a_worker_task_that_completes(project: Path, redis_url: str) -> None:
    added = aegis("add", "scheduler", "--project-path", str(project), "--yes", cwd=project)
    assert added.returncode == 0, added.output
    commit(project, "Add scheduler")
    added = aegis("add", "worker", "--project-path", str(project), "--yes", cwd=project)
    assert added.returncode == 0, added.output
    assert (project / "app/components/worker/queues/system.py").is_file()
    assert "compose/worker.yml" in (project / "docker-compose.yml").read_text()
    compose = run([compose_binary(), "config", "--format", "json"], cwd=project)
    assert compose.returncode == 0, compose.output
    services = json.loads(compose.stdout)["services"]
    assert {"web", "redis", "worker-system", "scheduler"} <= set(services)
    for name in ("web", "worker-system", "scheduler"):  # containers reach Redis by name
        assert services[name]["environment"]["REDIS_URL"] == "redis://redis:6379/0", name

    (project / "app/components/scheduler.py").write_text(SCHEDULED_JOB.lstrip())
    (project / "app/services/reports.py").write_text(REPORT_SERVICE.lstrip())
    (project / "app/components/worker/queues/system.py").write_text(SYSTEM_QUEUE.lstrip())
    marks = project / "marks.txt"
    env = {
        **{k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"},
        "REDIS_URL": redis_url,
        "WORKER_QUEUE_PREFIX": f"story:{uuid.uuid4().hex[:8]}",
        "WORKER_POLL_DELAY": "0.05",
        "WORKER_HEALTH_CHECK_INTERVAL": "1",  # publishes its recent jobs every second
        "SCHEDULER_HEARTBEAT_SECONDS": "1",
        "REPORT_MARKS": str(marks),
    }
    with (
        process(project, env, "worker", "run", "system"),
        process(project, env, "scheduler", "run"),
    ):
        deadline = time.monotonic() + 45
        while time.monotonic() < deadline and len(_lines(marks)) < 2:
            time.sleep(0.2)
        assert len(_lines(marks)) >= 2, (project / "scheduler.log").read_text() + (
            project / "worker.log"
        ).read_text()
        assert set(_lines(marks)) == {"7"}
        with serve_project(project, PROJECT_NAME, env) as url:
            detailed = _health_after_warm_up(url)
            shot = REPO / "test-artifacts" / "story-worker-dashboard.png"
            cards = ["Worker", "generate_report ok", "Scheduler", "schedule_reports"]
            report = render_dashboard(f"{url}/dashboard/", cards, shot)
            assert not report["missing"], report
    worker = detailed["components"]["worker"]
    assert worker["sub_components"]["redis"]["status"] == "healthy", worker
    assert "scheduler" in detailed["components"]


def _health_after_warm_up(url: str) -> dict[str, Any]:
    """`/health/detailed` once the worker's check has run (it says "starting" until then)."""
    answers: list[dict[str, Any]] = []

    def ran() -> bool:
        answers.append(httpx.get(f"{url}/health/detailed", timeout=15).json())
        return not answers[-1]["components"]["worker"]["metadata"].get("starting")

    assert wait_until(ran, timeout=30, interval=0.2), answers[-1]
    return answers[-1]


def _lines(path: Path) -> list[str]:
    return path.read_text().split() if path.exists() else []
