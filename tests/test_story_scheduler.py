"""The scheduler story, end to end with real processes (the user journey: add it, then remove it).

init → `aegis add scheduler` → the user's interval job runs in a real scheduler process →
`aegis add scheduler[sqlite]` brings the database and the jobs persist across a restart →
`aegis remove scheduler` keeps the edited jobs file and removes everything else → compose is
valid, the project's own tests pass, its server is healthy, `aegis status` is clean.
"""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

from aegis_core.testing import run_server

from tests.lifecycle_support import (
    commit,
    compose_valid,
    dependency_names,
    locked,
    manifest,
    ok,
)
from tests.support import run, venv_bin

USER_JOBS = '''"""My jobs."""

from pathlib import Path

from apscheduler.schedulers.asyncio import AsyncIOScheduler


def register_jobs(scheduler: AsyncIOScheduler) -> None:
    scheduler.add_job(tick, "interval", seconds=1, id="tick", name="Tick", replace_existing=True)


def tick() -> None:
    """Leave a mark: one line per run."""
    with Path("data/ticks.log").open("a") as marks:
        marks.write("tick\\n")
'''


def ticks(project: Path) -> int:
    path = project / "data" / "ticks.log"
    return len(path.read_text().splitlines()) if path.is_file() else 0


def run_scheduler_until(project: Path, more_ticks: int, timeout: float = 60) -> str:
    """Start the real scheduler process, wait for `more_ticks` new marks, stop it with SIGTERM."""
    start = ticks(project)
    process = subprocess.Popen(
        [venv_bin(project, "python"), "-m", "app.entrypoints.scheduler"],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + timeout
        while ticks(project) < start + more_ticks:
            assert process.poll() is None, process.communicate()[0]
            assert time.monotonic() < deadline, "the job never ran"
            time.sleep(0.1)
    finally:
        process.send_signal(signal.SIGTERM)
        output = process.communicate(timeout=30)[0]
    assert process.returncode == 0, output
    return output


def stored_jobs(project: Path) -> dict:
    result = run([venv_bin(project, "mvp-api"), "scheduler", "jobs", "--json"], cwd=project)
    assert result.returncode == 0, result.output
    return json.loads(result.stdout)


def test_scheduler_story(project: Path) -> None:
    ok("add", "scheduler", cwd=project)
    jobs_file = project / "app" / "components" / "scheduler.py"
    jobs_file.write_text(USER_JOBS)
    commit(project, "my tick job")
    log = run_scheduler_until(project, more_ticks=2)
    assert "memory" in log, "no database yet: the memory job store"

    output = ok("add", "scheduler[sqlite]", cwd=project).stdout
    assert "database (required by scheduler)" in output
    assert jobs_file.read_text() == USER_JOBS, "adding an option never touches the user's jobs"
    commit(project, "persistent jobs")
    log = run_scheduler_until(project, more_ticks=2)
    assert "data/app.db" in log, log
    persisted = stored_jobs(project)
    assert "job store" in persisted["source"] and "scheduler not running" in persisted["source"]
    assert [job["id"] for job in persisted["jobs"]] == ["tick"], "the job outlived its process"
    run_scheduler_until(project, more_ticks=2)  # and runs again after a restart

    scheduler_files = set(manifest(project)["components"]["scheduler"]["files"])
    output = ok("remove", "scheduler", cwd=project).stdout
    assert "Kept because you changed it" in output and "app/components/scheduler.py" in output
    assert jobs_file.read_text() == USER_JOBS
    assert not [
        f for f in scheduler_files - {"app/components/scheduler.py"} if (project / f).exists()
    ]
    assert "compose/scheduler.yml" not in (project / "docker-compose.yml").read_text()
    assert "aegis:scheduler" not in (project / ".env.example").read_text()
    assert "aegis-scheduler" not in dependency_names(project)
    assert "aegis-scheduler" not in locked(project) and "apscheduler" not in locked(project)
    assert "aegis-database" in dependency_names(project), "the database stays"

    check = compose_valid(project)
    assert check.returncode == 0, check.output
    tests = run(
        [venv_bin(project, "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=project
    )
    assert tests.returncode == 0, tests.output
    with run_server(cwd=project, python=venv_bin(project, "python")) as server:
        health = server.get("/health")
        assert health.status_code == 200 and health.json()["healthy"], health.text
        assert "scheduler" not in health.json()["components"]
    status = json.loads(ok("status", "--json", cwd=project).stdout)
    assert status["clean"], status["drift"]
    assert [item["name"] for item in status["installed"]] == ["database"]
