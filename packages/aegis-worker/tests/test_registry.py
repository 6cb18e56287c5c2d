"""Queues and tasks: built-ins without stubs, user modules merged in, broken stubs named."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from aegis_worker.registry import QueueConfigError, load_queues
from aegis_worker.settings import WorkerConfig

if TYPE_CHECKING:
    from conftest import Project


def test_builtin_queues_work_without_any_stub(project: Project) -> None:
    queues = load_queues(project.package)
    assert list(queues) == ["system", "load_test"]
    assert queues["system"].task_names == ["ping", "queue_depths"]
    assert queues["load_test"].task_names == ["cpu_task", "io_task", "memory_task"]


def test_stub_functions_cron_jobs_and_options_are_merged(project: Project) -> None:
    project.write(
        "components/worker/queues/system.py",
        """
        from arq import cron

        async def generate_report(ctx, report_id: int) -> dict:
            return {"report_id": report_id}

        async def generate_daily_report(ctx) -> None:
            pass

        functions = [generate_report]

        class WorkerSettings:
            cron_jobs = [cron(generate_daily_report, hour=9, minute=0)]
            max_jobs = 3
        """,
    )
    project.write(
        "components/worker/queues/emails.py",
        """
        async def send_email(ctx, to: str) -> str:
            return to

        class WorkerSettings:
            functions = [send_email]
        """,
    )
    queues = load_queues(project.package)
    system = queues["system"]
    assert system.task_names == ["generate_report", "ping", "queue_depths"]
    assert [job.name for job in system.cron_jobs] == ["cron:generate_daily_report"]
    assert system.options == {"max_jobs": 3}
    assert queues["emails"].task_names == ["send_email"]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("def not_async(ctx): ...\nfunctions = [not_async]", "bad entry in functions"),
        (
            "class WorkerSettings:\n    queue_name = 'x'\n    functions = []",
            "may not set queue_name",
        ),
        ("cron_jobs = ['daily']", "cron_jobs entries must be arq.cron"),
        ("import does_not_exist_anywhere", "failed to import"),
        ("X = 1", "lists no tasks"),
    ],
)
def test_broken_stub_is_reported_with_its_module(
    project: Project, source: str, message: str
) -> None:
    project.write("components/worker/queues/extra.py", source)
    with pytest.raises(QueueConfigError, match=message) as caught:
        load_queues(project.package)
    assert f"{project.package}.components.worker.queues.extra" in str(caught.value)


def test_queue_names_use_the_configured_prefix() -> None:
    assert WorkerConfig(WORKER_QUEUE_PREFIX="arq:queue").queue_name("system") == "arq:queue:system"
