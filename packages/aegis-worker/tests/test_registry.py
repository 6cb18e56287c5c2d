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


def test_system_is_arqs_default_queue_and_others_use_the_prefix() -> None:
    """`arq.create_pool(...).enqueue_job(...)` names no queue: it lands on `system`."""
    from arq.constants import default_queue_name

    config = WorkerConfig(WORKER_QUEUE_PREFIX=default_queue_name)
    assert config.queue_name("system") == "arq:queue"
    assert config.queue_name("emails") == "arq:queue:emails"


def test_worker_settings_in_tasks_modules_join_the_system_queue(project: Project) -> None:
    """The documented shape: `tasks/<name>.py` with an arq `class WorkerSettings`."""
    project.write(
        "components/worker/tasks/user_tasks.py",
        """
        from typing import Any
        from arq import cron

        async def create_user_task(ctx: dict[str, Any], user_data: dict) -> dict:
            return {"email": user_data["email"]}

        async def nightly_cleanup(ctx) -> None:
            pass

        class WorkerSettings:
            functions = [create_user_task]
            cron_jobs = [cron(nightly_cleanup, hour=2, minute=0)]
        """,
    )
    system = load_queues(project.package)["system"]
    assert system.task_names == ["create_user_task", "ping", "queue_depths"]
    assert [job.name for job in system.cron_jobs] == ["cron:nightly_cleanup"]
    assert system.module == f"{project.package}.components.worker.tasks.user_tasks"


def test_a_queue_module_without_a_functions_list_runs_its_own_tasks(project: Project) -> None:
    """`async def generate_report(ctx, ...)` alone in queues/system.py is not ignored."""
    project.write(
        "components/worker/queues/system.py",
        """
        from arq import cron
        from json import dumps  # imported callables are not tasks

        async def generate_report(ctx: dict, report_data: dict) -> dict:
            return {"status": "complete"}

        async def generate_daily_report(ctx):
            pass

        async def _helper(ctx) -> None: ...

        async def not_a_task(user_id: int) -> None: ...

        class WorkerSettings:
            cron_jobs = [cron(generate_daily_report, hour=9, minute=0)]
        """,
    )
    system = load_queues(project.package)["system"]
    assert system.task_names == ["generate_daily_report", "generate_report", "ping", "queue_depths"]
    assert [job.name for job in system.cron_jobs] == ["cron:generate_daily_report"]


def test_a_queue_named_like_the_system_queues_bookkeeping_is_refused(project: Project) -> None:
    project.write("components/worker/queues/workers.py", "async def t(ctx): ...")
    with pytest.raises(QueueConfigError, match="'workers' cannot be a queue name"):
        load_queues(project.package)
