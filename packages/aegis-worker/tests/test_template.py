"""The stub template `templates/worker`: renders, stays small, its compose file is valid, and
the rendered project's own component test passes against real Redis."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from aegis_core.testing import compose_binary

TEMPLATE = Path(__file__).resolve().parents[3] / "templates" / "worker"


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copier = pytest.importorskip("copier")
    target = tmp_path_factory.mktemp("project")
    copier.run_copy(
        str(TEMPLATE), target, data={"project_slug": "mvp-api"}, defaults=True, quiet=True
    )
    return target


def test_stays_within_five_files_and_80_lines_of_python(rendered: Path) -> None:
    files = [p for p in rendered.rglob("*") if p.is_file() and ".copier" not in p.name]
    assert len(files) <= 5, files
    python = [p for p in files if p.suffix == ".py"]
    assert sum(len(p.read_text().splitlines()) for p in python) <= 80


def test_compose_file_is_valid_and_runs_the_project_cli(rendered: Path) -> None:
    compose = compose_binary()
    path = rendered / "compose" / "worker.yml"
    # The workers run the image the project's web service builds: give them that service.
    web = rendered / "web.yml"
    web.write_text("services:\n  web:\n    image: mvp-api\n")
    files = ["-f", str(web), "-f", str(path)]
    check = subprocess.run([compose, *files, "config", "--quiet"], capture_output=True)
    assert check.returncode == 0, check.stderr.decode()
    services = subprocess.run(
        [compose, *files, "config", "--services"], capture_output=True, text=True
    ).stdout.split()
    assert sorted(services) == ["redis", "web", "worker-load-test", "worker-system"]
    assert '["mvp-api", "worker", "run", "system"]' in path.read_text()


def test_rendered_component_test_passes_against_real_redis(rendered: Path, redis_url: str) -> None:
    """The user's tests/components/test_worker.py: their task, a worker process, real Redis."""
    env = {**os.environ, "PYTHONPATH": str(rendered), "REDIS_URL": redis_url}
    env.pop("AEGIS_PROJECT_PACKAGE", None)
    command = [sys.executable, "-m", "pytest", "tests/components/test_worker.py", "-q"]
    command += ["-p", "aegis_core.testing.fixtures", "-p", "no:cacheprovider", "-p", "no:flet"]
    command += ["-o", "asyncio_mode=auto", "--rootdir", str(rendered)]
    done = subprocess.run(command, cwd=rendered, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout


SCHEDULER_TRIGGERS_WORKER = """
import asyncio

from app.components.worker.pools import get_queue_pool


async def schedule_daily_reports():
    \"\"\"Scheduler triggers worker to generate reports.\"\"\"
    pool, _ = await get_queue_pool("system")
    await pool.enqueue_job("generate_daily_report")
    await pool.aclose()


asyncio.run(schedule_daily_reports())
"""


def test_a_scheduler_job_enqueues_the_rendered_cron_task_through_the_pools_stub(
    rendered: Path, redis_url: str
) -> None:
    """The documented Scheduler → Worker call, run as written against the rendered stubs."""
    from aegis_worker.testing import start_worker

    prefix = f"aegis-test:{uuid.uuid4().hex[:12]}"
    env = {**os.environ, "PYTHONPATH": str(rendered), "REDIS_URL": redis_url}
    env |= {"WORKER_QUEUE_PREFIX": prefix, "WORKER_POLL_DELAY": "0.05"}
    env.pop("AEGIS_PROJECT_PACKAGE", None)
    script = [sys.executable, "-c", SCHEDULER_TRIGGERS_WORKER]
    enqueued = subprocess.run(script, cwd=rendered, env=env, capture_output=True, text=True)
    assert enqueued.returncode == 0, enqueued.stderr
    worker = start_worker(["system", "--burst"], env=env, cwd=rendered)
    assert worker.process.wait(timeout=60) == 0, worker.log()
    assert "generate_daily_report ●" in worker.log(), worker.log()
