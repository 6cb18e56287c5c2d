"""An unknown SCHEDULER_TIMEZONE is a settings error: caught with the other settings, reported
in one line by every way the scheduler starts, and nothing runs."""

from __future__ import annotations

import subprocess
import sys

import pytest
from aegis_scheduler.settings import SchedulerSettings
from aegis_scheduler.testing import Project
from pydantic import ValidationError

ONE_LINE = (
    "Error: SCHEDULER_TIMEZONE='Mars/Olympus' is not valid (unknown time zone; use an IANA "
    "name such as UTC or Europe/Paris): fix SCHEDULER_TIMEZONE in .env (or the environment)\n"
)


def test_the_timezone_is_checked_when_settings_are_read() -> None:
    assert SchedulerSettings(SCHEDULER_TIMEZONE="Europe/Paris").SCHEDULER_TIMEZONE == (
        "Europe/Paris"
    )
    with pytest.raises(ValidationError, match="unknown time zone"):
        SchedulerSettings(SCHEDULER_TIMEZONE="Mars/Olympus")


@pytest.mark.parametrize(
    "entry_point",
    [
        ["-m", "aegis_scheduler", "run"],
        ["-m", "aegis_scheduler", "jobs"],
        ["-c", "from aegis_scheduler.runner import run; run()"],  # app/entrypoints/scheduler.py
    ],
)
def test_every_entry_point_says_it_in_one_line(project: Project, entry_point: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, *entry_point],
        cwd=project.root,
        env={**project.env, "SCHEDULER_TIMEZONE": "Mars/Olympus"},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 2, result.stderr
    assert result.stderr.endswith(ONE_LINE), result.stderr
    assert "Traceback" not in result.stderr
    assert not (project.root / "data").exists(), "nothing started, nothing written"
