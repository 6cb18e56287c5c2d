"""The worker's dashboard actions, run as the dashboard runs them (their `run`), against real
Redis and real worker processes: what a person types is checked, a refusal is one line, and
what an action does shows on the card (jobs per minute, a load test's figures)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

import pytest
from aegis_core import DashboardAction
from aegis_core.testing import dashboard_view
from aegis_worker.component import component
from aegis_worker.health import worker_health
from aegis_worker.testing import wait_for_workers

if TYPE_CHECKING:
    from conftest import Project

FLAKY = """
from pathlib import Path

MARKER = Path({marker!r})


async def flaky(ctx, note: str) -> str:
    \"\"\"Fails the first time it runs, works once the marker exists.\"\"\"
    if not MARKER.exists():
        MARKER.write_text("ran once")
        raise RuntimeError("first run fails on purpose")
    return f"done: {{note}}"
"""


def _action(label: str) -> DashboardAction:
    assert component.dashboard_actions is not None
    actions = {a.label: a for a in component.dashboard_actions()}
    assert all(a.confirm for a in actions.values())  # every action says what it will do
    return actions[label]


async def _refused(label: str, values: Mapping[str, str]) -> str:
    with pytest.raises(ValueError) as refused:
        await _action(label).run(values)
    message = str(refused.value)
    assert "\n" not in message and len(message) < 300
    return message


async def _card(predicate: str, timeout: float = 30) -> dict[str, str]:
    """The worker card's rows, once one of them matches `predicate` (a regex)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        rows = dict(dashboard_view((await worker_health()).propagated(), component).rows)
        if any(re.search(predicate, f"{k}: {v}") for k, v in rows.items()):
            return rows
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"no card row matches {predicate!r}; rows: {rows}")
        await asyncio.sleep(0.1)


def test_the_worker_contributes_its_three_actions() -> None:
    assert component.dashboard_actions is not None
    labels = [a.label for a in component.dashboard_actions()]
    assert labels == ["Enqueue task", "Start load test", "Retry failed job"]


async def test_enqueue_checks_the_task_and_its_arguments_then_a_worker_runs_it(
    project: Project,
) -> None:
    enqueue = "Enqueue task"
    assert "unknown task 'pnig'; tasks: cpu_task, io_task" in await _refused(
        enqueue, {"task": "pnig", "arguments": ""}
    )
    assert "enter a task name" in await _refused(enqueue, {"task": " ", "arguments": ""})
    assert await _refused(enqueue, {"task": "io_task", "arguments": "{delay_ms: 5}"}) == (
        "arguments are not JSON: Expecting property name enclosed in double quotes (column 2)"
    )
    assert "must be a JSON object" in await _refused(
        enqueue, {"task": "io_task", "arguments": "[5]"}
    )
    too_long = await _refused(enqueue, {"task": "io_task", "arguments": '{"delay_ms": 99999}'})
    assert too_long == "arguments of io_task: delay_ms: Input should be less than or equal to 10000"
    as_text = await _refused(enqueue, {"task": "io_task", "arguments": '{"delay_ms": "5"}'})
    assert as_text == "arguments of io_task: delay_ms: Input should be a JSON number"
    unknown = await _refused(enqueue, {"task": "ping", "arguments": '{"x": 1}'})
    assert unknown.startswith("arguments of ping: x: Extra inputs are not permitted")

    said = await _action(enqueue).run({"task": "io_task", "arguments": '{"delay_ms": 5}'})
    assert re.fullmatch(r"queued io_task on load_test as job [0-9a-f]{32}", said), said
    rows = await _card(r"^load_test: 1 due, no worker$", timeout=5)  # waiting, nobody runs it
    assert rows["Jobs per minute"] == "0"

    worker = project.start_worker("load_test")
    rows = await _card(r"^Recent jobs: io_task ok$")
    assert rows["load_test"] == "0 due, 1 worker", worker.log()
    rows = await _card(r"^Jobs per minute: 1$", timeout=10)  # counted within a second or so
    health = await worker_health()
    assert health.sub_components["load_test"].metadata["jobs_done_total"] == 1


async def test_retry_enqueues_a_failed_job_again_with_its_arguments(
    project: Project, tmp_path_factory: pytest.TempPathFactory
) -> None:
    marker = tmp_path_factory.mktemp("flaky") / "marker"
    project.write("components/worker/queues/flaky.py", FLAKY.format(marker=str(marker)))
    retry = "Retry failed job"
    assert "enter the id of a failed job" in await _refused(retry, {"job id": ""})
    assert (
        await _refused(retry, {"job id": "nope"})
        == "no job 'nope' (unknown, or its result expired)"
    )

    said = await _action("Enqueue task").run({"task": "flaky", "arguments": '{"note": "hi"}'})
    failed_id = said.rsplit(" ", 1)[-1]
    assert "has not finished yet (queued)" in await _refused(retry, {"job id": failed_id})

    project.start_worker("flaky")
    rows = await _card(r"^Recent jobs: flaky failed \(job [0-9a-f]{32}\)$")
    assert failed_id in rows["Recent jobs"]  # what the person copies into the dialog

    said = await _action(retry).run({"job id": failed_id})
    assert re.fullmatch(
        rf"job {failed_id} \(flaky\) queued again on flaky as job [0-9a-f]{{32}}", said
    ), said
    second_id = said.rsplit(" ", 1)[-1]
    rows = await _card(r"^Recent jobs: flaky ok, flaky failed")
    assert await _refused(retry, {"job id": second_id}) == (
        f"job {second_id} succeeded; only a failed job can be retried"
    )


async def test_a_load_test_from_the_dashboard_shows_its_figures_on_the_card_while_it_runs(
    project: Project,
) -> None:
    start = "Start load test"
    for jobs in ("0", "ten", "10001", "-5"):
        assert await _refused(start, {"jobs": jobs, "type": ""}) == (
            "jobs must be a whole number from 1 to 10000"
        )
    assert await _refused(start, {"jobs": "5", "type": "gpu"}) == (
        "type must be one of cpu, io, memory, got 'gpu'"
    )
    assert "no live worker on the load_test queue" in await _refused(
        start, {"jobs": "5", "type": ""}
    )

    project.start_worker("load_test", WORKER_MAX_JOBS="2")  # slow enough to watch: ~2 s
    await wait_for_workers(project.config(), "load_test")
    said = await _action(start).run({"jobs": "300", "type": ""})
    assert said == "started 300 io jobs on load_test; the Worker card shows the progress"
    assert "already running" in await _refused(start, {"jobs": "5", "type": "io"})

    figures = r"io jobs, [\d.]+/s, p50 [\d.]+ ms, p95 [\d.]+ ms$"
    await _card(rf"^Load test, running: ([1-9]|[1-9]\d|[12]\d\d)/300 {figures}")
    rows = await _card(rf"^Load test, finished in [\d.]+ s: 300/300 {figures}")
    assert not any("failed" in label for label in rows)
    await _card(r"^Jobs per minute: [1-9]\d\d", timeout=5)  # the 300 jobs, within the minute
    for _ in range(50):  # a worker adds its count to Redis once a second
        health = await worker_health()
        if health.sub_components["load_test"].metadata["jobs_done_total"] == 300:
            break
        await asyncio.sleep(0.1)
    assert health.sub_components["load_test"].metadata["jobs_done_total"] == 300
