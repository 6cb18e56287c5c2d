"""Real scheduler processes: jobs run, the heartbeat tells the truth, jobs survive restarts."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from aegis_core.health.models import HealthStatus
from aegis_core.testing import wait_until
from aegis_scheduler.health import check_scheduler
from aegis_scheduler.heartbeat import FileHeartbeat, Heartbeat
from aegis_scheduler.settings import SchedulerSettings
from aegis_scheduler.testing import Project

TICK_JOBS = """
import os

from apscheduler.schedulers.asyncio import AsyncIOScheduler


def tick() -> None:
    with open(os.environ["MARK_FILE"], "a") as marks:
        marks.write("tick\\n")


def register_jobs(scheduler: AsyncIOScheduler) -> None:
    if os.environ.get("REGISTER", "1") == "1":
        scheduler.add_job(
            tick, "interval", seconds=1, id="tick", name="Tick", replace_existing=True
        )
"""

SEEDS_DAILY_REPORT = '''
# app/components/scheduler.py

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

def register_jobs(scheduler: AsyncIOScheduler) -> None:
    """Register all scheduled jobs."""

    # Daily report at 9 AM
    scheduler.add_job(
        generate_daily_report,
        trigger=CronTrigger(hour=9, minute=0),
        id="daily_report",
        name="Generate Daily Report",
        replace_existing=True,
    )

async def generate_daily_report() -> None:
    """Generate and send daily report."""
    # Your logic here
    pass
'''


async def health(**overrides: object) -> tuple[HealthStatus, str, dict[str, object]]:
    result = await check_scheduler(SchedulerSettings(**overrides))  # type: ignore[arg-type]
    return result.status, result.message, result.metadata


async def test_user_job_runs_in_its_own_process_and_health_follows(project: Project) -> None:
    project.write_jobs(TICK_JOBS)
    status, message, _ = await health()
    assert status is HealthStatus.WARNING
    assert message.startswith("no heartbeat from a scheduler process in file ")

    process = project.start()
    wait_until(lambda: project.mark_count() >= 2, 20, what="two ticks", details=project.log)
    status, message, meta = await health()
    assert status is HealthStatus.HEALTHY, message
    assert message.startswith(f"running pid {process.pid} on ")
    assert "1 job, next tick at" in message
    assert [job["id"] for job in meta["jobs"]] == ["tick"]  # type: ignore[attr-defined]

    listing = project.cli("jobs")
    assert f"jobs from running scheduler (pid {process.pid}" in listing.stdout
    assert "tick" in listing.stdout and "Tick" in listing.stdout

    assert project.stop(process) == 0
    status, message, _ = await health()
    assert status is HealthStatus.WARNING
    assert f"scheduler (pid {process.pid} on " in message and " stopped at " in message
    assert project.cli("status").returncode == 1


async def test_jobs_survive_a_restart_in_a_sql_job_store(
    project: Project, sql_jobstore: str
) -> None:
    project.write_jobs(TICK_JOBS)
    first = project.start(SCHEDULER_JOBSTORE=sql_jobstore, REGISTER="1")
    wait_until(lambda: project.mark_count() >= 1, 20, what="a tick", details=project.log)
    status, message, meta = await health(SCHEDULER_JOBSTORE=sql_jobstore)
    assert status is HealthStatus.HEALTHY, message
    assert str(meta["heartbeat"]).startswith("table aegis_scheduler_heartbeat in ")
    assert project.stop(first) == 0

    stored = project.cli("jobs", SCHEDULER_JOBSTORE=sql_jobstore)
    assert stored.returncode == 0, stored.stderr
    assert "jobs from job store " in stored.stdout and "(scheduler not running)" in stored.stdout
    assert "tick" in stored.stdout

    # The second start registers nothing: only the stored job can leave marks.
    project.marks.unlink()
    second = project.start(SCHEDULER_JOBSTORE=sql_jobstore, REGISTER="0")
    wait_until(
        lambda: project.mark_count() >= 2, 20, what="ticks of the stored job", details=project.log
    )
    assert project.stop(second) == 0


async def test_a_stale_heartbeat_is_a_warning_not_healthy(project: Project) -> None:
    old = datetime.now(UTC) - timedelta(seconds=120)
    beat = Heartbeat(
        pid=4242,
        host="elsewhere",
        started_at=old,
        beat_at=old,
        interval_seconds=10,
        jobstore="memory",
        timezone="UTC",
    )
    FileHeartbeat(project.root / "data" / "scheduler-heartbeat.json").write(beat)
    status, message, _ = await health()
    assert status is HealthStatus.WARNING
    assert message.startswith("last heartbeat 120")
    assert message.endswith("s ago (pid 4242 on elsewhere): the scheduler process is down or stuck")


async def test_installed_without_stubs_runs_with_no_jobs_and_a_healthy_heartbeat(
    project: Project,
) -> None:
    process = project.start()
    wait_until(
        lambda: project.cli("status").returncode == 0, 20, what="a heartbeat", details=project.log
    )
    status, message, _ = await health()
    assert status is HealthStatus.HEALTHY
    assert message.endswith("no jobs (add them in app/components/scheduler.py)")
    assert project.stop(process) == 0


@pytest.mark.parametrize("timezone", ["UTC", "Europe/Berlin"])
def test_the_seeds_cron_example_registers_and_shows_nine_oclock(
    project: Project, timezone: str
) -> None:
    project.write_jobs(SEEDS_DAILY_REPORT)
    listing = project.cli("jobs", SCHEDULER_TIMEZONE=timezone)
    assert listing.returncode == 0, listing.stderr
    [line] = [row for row in listing.stdout.splitlines() if "daily_report" in row]
    assert " 09:00:00 " in line and "Generate Daily Report" in line

    as_json = json.loads(project.cli("jobs", "--json", SCHEDULER_TIMEZONE=timezone).stdout)
    [job] = as_json["jobs"]
    next_run = datetime.fromisoformat(job["next_run_time"])
    assert (next_run.hour, next_run.minute) == (9, 0)
    assert timedelta(0) < next_run - datetime.now(UTC) <= timedelta(days=1)


def test_tables_in_the_app_database_are_left_alone_by_autogenerate(project: Project) -> None:
    """auto + aegis-database: jobs and heartbeat live in the app's database, yet the project's
    `database revision --autogenerate` must not propose to drop them."""
    project.write_jobs(TICK_JOBS)
    process = project.start(SCHEDULER_JOBSTORE="auto")
    wait_until(lambda: project.mark_count() >= 1, 20, what="a tick", details=project.log)
    assert project.stop(process) == 0

    def database(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "aegis_database", *args],
            cwd=project.root,
            env=project.env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    assert database("upgrade").returncode == 0
    created = database("revision", "-m", "nothing", "--autogenerate")
    assert created.returncode == 0, created.stderr
    [revision] = (project.root / "migrations" / "versions").glob("*_nothing.py")
    source = revision.read_text()
    assert "apscheduler_jobs" not in source and "aegis_scheduler_heartbeat" not in source
    assert "op.drop_table" not in source and "op.create_table" not in source


def test_an_unreachable_job_store_is_one_line_for_run_and_jobs(project: Project) -> None:
    from aegis_core.testing import free_port

    url = f"postgresql://postgres:secret@127.0.0.1:{free_port()}/nothing"
    for command in ("jobs", "run"):
        result = project.cli(command, SCHEDULER_JOBSTORE=url)
        assert result.returncode == 1, result.stderr
        [line] = result.stderr.strip().splitlines()[-1:]
        assert line.startswith("Error: job store postgresql+psycopg://postgres:***@127.0.0.1:")
        assert "Traceback" not in result.stderr and "secret" not in result.stderr
