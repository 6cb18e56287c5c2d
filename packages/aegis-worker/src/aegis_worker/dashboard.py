"""The worker's buttons on its dashboard card: enqueue a task, start a load test, retry a
failed job.

Each checks what was typed the way the API would (a task's arguments against the same model
`POST /api/worker/tasks/<task>` validates with), and refuses a bad value with a `ValueError`
whose one line says what is wrong, so the dialog stays open for a correction. Redis being
away is not the person's mistake: it fails as `RedisUnavailable`.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any

from aegis_core.component import DashboardAction
from arq.connections import ArqRedis
from pydantic import ValidationError

from aegis_worker import live_load
from aegis_worker.connection import REDIS_ERRORS, close, connect, unavailable
from aegis_worker.errors import LoadTestError
from aegis_worker.jobs import JobState, find_job
from aegis_worker.registry import QueueSpec, load_queues, tasks_by_name
from aegis_worker.schemas import clip, task_call
from aegis_worker.settings import WorkerConfig, get_settings
from aegis_worker.tasks import LOAD_TEST_TASKS

TASK, ARGUMENTS = "task", "arguments"
JOBS, KIND = "jobs", "type"
JOB_ID = "job id"
MAX_JOB_ID = 128
DEFAULT_KIND = "io"


def dashboard_actions() -> Sequence[DashboardAction]:
    return [
        DashboardAction(
            label="Enqueue task",
            run=enqueue_task,
            fields=(TASK, ARGUMENTS),
            confirm="Enqueue one job of this task, with its arguments as a JSON object "
            '(e.g. {"delay_ms": 50}; empty for none).',
        ),
        DashboardAction(
            label="Start load test",
            run=start_load_test,
            fields=(JOBS, KIND),
            confirm=f"Enqueue 1 to {live_load.MAX_JOBS} jobs on load_test (type io, cpu or "
            "memory; io when empty); this card shows throughput and p50/p95 while they run.",
        ),
        DashboardAction(
            label="Retry failed job",
            run=retry_failed_job,
            fields=(JOB_ID,),
            confirm="Enqueue a failed job again, same task and arguments, on its queue "
            "(recent failures show their job id on this card).",
        ),
    ]


async def enqueue_task(values: Mapping[str, str]) -> str:
    name = values.get(TASK, "").strip()
    queues = load_queues()
    by_name = tasks_by_name(queues)
    if not name:
        raise ValueError(f"enter a task name: {', '.join(sorted(by_name))}")
    if name not in by_name:
        raise ValueError(f"unknown task {clip(name, 80)!r}; tasks: {', '.join(sorted(by_name))}")
    spec = by_name[name][0]
    args, kwargs = _checked_arguments(name, spec, values.get(ARGUMENTS, ""))
    config = get_settings()
    async with _redis(config) as pool:
        queue = config.queue_name(spec.name)
        job = await pool.enqueue_job(name, *args, _queue_name=queue, **kwargs)
    assert job is not None  # None only for a caller-chosen job id
    return f"queued {name} on {spec.name} as job {job.job_id}"


def _checked_arguments(
    name: str, spec: QueueSpec, text: str
) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """The task's `*args, **kwargs` from a JSON object, validated by the API's own model."""
    try:
        data = json.loads(text) if text.strip() else {}
    except json.JSONDecodeError as exc:
        raise ValueError(f"arguments are not JSON: {exc.msg} (column {exc.colno})") from None
    if not isinstance(data, dict):
        raise ValueError('arguments must be a JSON object, e.g. {"delay_ms": 50}')
    call = task_call(name, spec.functions[name])
    try:
        body = call.model.model_validate(data)
    except ValidationError as exc:
        raise ValueError(f"arguments of {name}: {_first_problem(exc)}") from None
    return call.arguments(body)


def _first_problem(exc: ValidationError) -> str:
    errors = exc.errors()
    first = errors[0]
    where = ".".join(str(part) for part in first["loc"]) or "arguments"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    message = str(first["msg"]).removeprefix("Value error, ")  # pydantic's wrapping
    return f"{clip(where, 64)}: {clip(message)}{more}"


async def start_load_test(values: Mapping[str, str]) -> str:
    text = values.get(JOBS, "").strip()
    if not text.isdigit() or not 1 <= int(text) <= live_load.MAX_JOBS:
        raise ValueError(f"jobs must be a whole number from 1 to {live_load.MAX_JOBS}")
    kind = values.get(KIND, "").strip().lower() or DEFAULT_KIND
    if kind not in LOAD_TEST_TASKS:
        choices = ", ".join(LOAD_TEST_TASKS)
        raise ValueError(f"type must be one of {choices}, got {clip(kind, 40)!r}")
    try:
        return await live_load.start(get_settings(), kind, int(text))
    except LoadTestError as exc:  # no live worker, one already running: the person can act
        raise ValueError(str(exc)) from None


async def retry_failed_job(values: Mapping[str, str]) -> str:
    job_id = values.get(JOB_ID, "").strip()
    if not job_id or len(job_id) > MAX_JOB_ID:
        raise ValueError("enter the id of a failed job (this card's recent jobs show them)")
    queues = load_queues()
    config = get_settings()
    keys = {name: config.queue_name(name) for name in queues}
    async with _redis(config) as pool:
        info = await find_job(pool, job_id, keys)
        result = info.result
        if info.state is JobState.NOT_FOUND:
            raise ValueError(f"no job {job_id!r} (unknown, or its result expired)")
        if result is None:
            raise ValueError(f"job {job_id} has not finished yet ({info.state.replace('_', ' ')})")
        if result.success:
            raise ValueError(f"job {job_id} succeeded; only a failed job can be retried")
        if info.queue is None or result.function not in queues[info.queue].functions:
            raise ValueError(f"no queue of this app runs {result.function} any more")
        job = await pool.enqueue_job(
            result.function, *result.args, _queue_name=keys[info.queue], **result.kwargs
        )
    assert job is not None
    return f"job {job_id} ({result.function}) queued again on {info.queue} as job {job.job_id}"


@asynccontextmanager
async def _redis(config: WorkerConfig) -> AsyncIterator[ArqRedis]:
    """A short-lived client for one action (actions are rare: no pool kept open for them)."""
    client = connect(config.REDIS_URL, timeout=max(config.WORKER_REDIS_TIMEOUT, 2.0))
    try:
        yield client
    except REDIS_ERRORS as exc:
        raise unavailable(config.REDIS_URL, exc) from None
    finally:
        await close(client)
