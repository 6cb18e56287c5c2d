""" "Run job now" from the dashboard, against real scheduler processes (file and SQL heartbeat
stores) and the in-process scheduler: only a scheduled job is accepted, it runs once while its
schedule stays, and the card shows its last run."""

from __future__ import annotations

import asyncio
import re
import sys
from collections.abc import Mapping

import pytest
from aegis_core import DashboardAction, HealthStatus
from aegis_core.testing import dashboard_view, wait_until
from aegis_scheduler.component import component
from aegis_scheduler.health import check_scheduler, set_in_process
from aegis_scheduler.runner import SchedulerService
from aegis_scheduler.settings import SchedulerSettings
from aegis_scheduler.testing import Project

REPORT_JOBS = """
import os

from apscheduler.triggers.cron import CronTrigger


def report() -> None:
    with open(os.environ["MARK_FILE"], "a") as marks:
        marks.write("report\\n")


def broken() -> None:
    raise RuntimeError("the report server said no")


def register_jobs(scheduler) -> None:
    at_3am = CronTrigger(hour=3, minute=0)
    scheduler.add_job(report, at_3am, id="daily_report", replace_existing=True)
    scheduler.add_job(broken, at_3am, id="nightly_export", replace_existing=True)
"""


def _run_now() -> DashboardAction:
    assert component.dashboard_actions is not None
    (action,) = component.dashboard_actions()
    assert action.label == "Run job now" and action.confirm
    return action


async def _refused(values: Mapping[str, str]) -> str:
    with pytest.raises(ValueError) as refused:
        await _run_now().run(values)
    return str(refused.value)


async def _rows(settings: SchedulerSettings) -> dict[str, str]:
    health = await check_scheduler(settings)
    return dict(dashboard_view(health, component).rows)


async def _wait_for_row(settings: SchedulerSettings, job: str, pattern: str) -> str:
    for _ in range(100):
        row = (await _rows(settings)).get(job, "")
        if re.match(pattern, row):
            return row
        await asyncio.sleep(0.1)
    raise AssertionError(f"{job}: no row like {pattern!r}; rows: {await _rows(settings)}")


@pytest.mark.parametrize("store", ["file", "sql"])
async def test_a_scheduled_job_runs_once_now_and_the_card_shows_its_last_run(
    project: Project, store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    overrides: dict[str, str] = {}
    if store == "sql":
        overrides["SCHEDULER_JOBSTORE"] = f"sqlite:///{project.root}/data/jobs.db"
        monkeypatch.setenv("SCHEDULER_JOBSTORE", overrides["SCHEDULER_JOBSTORE"])
    settings = SchedulerSettings(**overrides)  # type: ignore[arg-type]
    project.write_jobs(REPORT_JOBS)
    assert "no scheduler is running" in await _refused({"job id": "daily_report"})

    project.start(**overrides)
    wait_until(lambda: project.cli("status", **overrides).returncode == 0, 30, what="a beat")
    before = await _rows(settings)
    assert re.match(r"^next .+ \(cron", before["daily_report"]), before  # never ran yet
    assert (
        await _refused({"job id": ""})
        == "enter the id of a scheduled job: daily_report, nightly_export"
    )
    assert await _refused({"job id": "daily_reprot"}) == (
        "no scheduled job 'daily_reprot'; jobs: daily_report, nightly_export"
    )

    said = await _run_now().run({"job id": "daily_report"})
    assert said == "the scheduler runs daily_report within 0.5 s; this card shows its last run"
    wait_until(lambda: project.mark_count() == 1, 20, what="the manual run", details=project.log)
    row = await _wait_for_row(settings, "daily_report", r"^ran \d\d:\d\d:\d\d ok, next ")
    assert before["daily_report"].split(" (")[0] in row  # its next run is as it was

    await _run_now().run({"job id": "nightly_export"})
    await _wait_for_row(settings, "nightly_export", r"^ran \d\d:\d\d:\d\d failed, next ")
    health = await check_scheduler(settings)
    assert health.status is HealthStatus.HEALTHY
    last_runs = health.metadata["last_runs"]
    assert last_runs["nightly_export"]["error"] == "the report server said no"
    assert last_runs["daily_report"]["ok"] and last_runs["daily_report"]["manual"]
    assert health.metadata["scheduled_runs_total"] == 2  # the dashboard's runs/min counter
    assert project.mark_count() == 1  # once, not once per beat
    assert "running daily_report now (asked from the dashboard)" in project.log()


async def test_in_process_the_job_runs_at_once(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    project.write_jobs(REPORT_JOBS)
    monkeypatch.syspath_prepend(str(project.root))  # this process imports the project's jobs
    monkeypatch.setenv("MARK_FILE", project.env["MARK_FILE"])
    for name in [m for m in sys.modules if m == "app" or m.startswith("app.")]:
        monkeypatch.delitem(sys.modules, name)
    service = SchedulerService(SchedulerSettings(), in_process=True)
    await service.start()
    set_in_process(service)
    try:
        assert await _refused({"job id": "nope"}) == (
            "no scheduled job 'nope'; jobs: daily_report, nightly_export"
        )
        assert await _run_now().run({"job id": "daily_report"}) == "daily_report is running now"
        for _ in range(100):
            if "daily_report" in service.runs.last_runs:
                break
            await asyncio.sleep(0.05)
        assert project.mark_count() == 1
        assert [job.id for job in service.user_jobs()] == [
            "daily_report",
            "nightly_export",
        ]  # no copy left
        row = (await _rows(SchedulerSettings()))["daily_report"]
        assert re.match(r"^ran \d\d:\d\d:\d\d ok, next ", row), row
    finally:
        set_in_process(None)
        await service.stop()
