"""Dev mode inside a real uvicorn server, and the stub template's own test against real stubs."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from aegis_core.testing import run_server, wait_until
from aegis_scheduler.testing import Project

TEMPLATE = Path(__file__).resolve().parents[3] / "templates" / "scheduler" / "files"

TICK_JOBS = """
import os


def tick() -> None:
    with open(os.environ["MARK_FILE"], "a") as marks:
        marks.write("tick\\n")


def register_jobs(scheduler) -> None:
    scheduler.add_job(tick, "interval", seconds=1, id="tick", replace_existing=True)
"""


def test_in_process_mode_runs_jobs_inside_the_web_process(project: Project) -> None:
    project.write_jobs(TICK_JOBS)
    (project.root / "app" / "main.py").write_text(
        "from aegis_core import create_app\n\napp = create_app()\n"
    )
    env = {
        **project.env,
        "SCHEDULER_IN_PROCESS": "true",
        "AEGIS_COMPONENTS": "scheduler",
        "DASHBOARD_ENABLED": "false",
    }
    with run_server("app.main:app", cwd=project.root, env=env) as server:
        wait_until(
            lambda: project.mark_count() >= 2,
            20,
            what="two ticks in the web process",
            details=server.log,
        )
        detailed = server.get("/health/detailed").json()
        scheduler = detailed["components"]["scheduler"]
        assert scheduler["status"] == "healthy", scheduler
        assert scheduler["message"].startswith("running in this process (SCHEDULER_IN_PROCESS)")
        assert [job["id"] for job in scheduler["metadata"]["jobs"]] == ["tick"]
    heartbeat = (project.root / "data" / "scheduler-heartbeat.json").read_text()
    assert '"in_process":true' in heartbeat and '"stopped_at":null' not in heartbeat


def _run_stub_test(project: Project) -> subprocess.CompletedProcess[str]:
    shutil.copytree(TEMPLATE / "tests", project.root / "tests")
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/components"],
        cwd=project.root,
        env=project.env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_stub_and_its_test_pass_as_generated(project: Project) -> None:
    shutil.copytree(TEMPLATE / "app", project.root / "app", dirs_exist_ok=True)
    result = _run_stub_test(project)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_stub_test_catches_a_job_that_cannot_be_stored(project: Project) -> None:
    project.write_jobs(
        "def register_jobs(scheduler):\n"
        "    scheduler.add_job(lambda: None, 'interval', seconds=5, id='anonymous')\n"
    )
    result = _run_stub_test(project)
    assert result.returncode == 1
    assert "ValueError: Cannot create a reference to a lambda" in result.stdout
