"""Jobs seen from outside a worker: validate a call before enqueueing, find a job, read its result.

Validation happens at the entry point (the API), against the task's own signature and type
hints, so a malformed call is a 422 now rather than a failed job later.
"""

from __future__ import annotations

import inspect
import time
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from arq.connections import ArqRedis
from arq.constants import in_progress_key_prefix, result_key_prefix
from arq.jobs import JobResult, deserialize_result
from arq.worker import Function
from fastapi.encoders import jsonable_encoder
from pydantic import TypeAdapter, ValidationError


class JobState(StrEnum):
    QUEUED = "queued"
    DEFERRED = "deferred"
    IN_PROGRESS = "in_progress"
    COMPLETE = "complete"
    NOT_FOUND = "not_found"


@dataclass(frozen=True)
class JobInfo:
    job_id: str
    state: JobState
    queue: str | None
    result: JobResult | None = None


class ArgumentError(ValueError):
    """The call does not fit the task's signature; `errors` is in FastAPI's 422 shape."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__("; ".join(str(e["msg"]) for e in errors))
        self.errors = errors


def bind_arguments(
    function: Function, args: list[Any], kwargs: dict[str, Any]
) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """Bind `args`/`kwargs` to the task (minus `ctx`) and validate each against its hint."""
    signature = inspect.signature(function.coroutine)
    call = signature.replace(parameters=list(signature.parameters.values())[1:])
    try:
        bound = call.bind(*args, **kwargs)
    except TypeError as exc:
        raise ArgumentError([{"loc": ["body"], "msg": str(exc), "type": "arguments"}]) from None
    hints = _hints(function)
    errors: list[dict[str, Any]] = []
    for name, value in bound.arguments.items():
        adapter = TypeAdapter(_expected_type(call.parameters[name], hints.get(name, Any)))
        try:
            bound.arguments[name] = adapter.validate_python(value)
        except ValidationError as exc:
            errors += [
                {"loc": ["body", name, *e["loc"]], "msg": e["msg"], "type": e["type"]}
                for e in exc.errors()
            ]
    if errors:
        raise ArgumentError(errors)
    return bound.args, bound.kwargs


def _hints(function: Function) -> dict[str, Any]:
    try:
        return typing.get_type_hints(function.coroutine)
    except Exception:  # unresolvable annotations: accept any value rather than refuse all
        return {}


def _expected_type(parameter: inspect.Parameter, hint: Any) -> Any:
    if parameter.kind is inspect.Parameter.VAR_POSITIONAL:
        return tuple[hint, ...]
    if parameter.kind is inspect.Parameter.VAR_KEYWORD:
        return dict[str, hint]
    return hint


async def find_job(pool: ArqRedis, job_id: str, queues: Mapping[str, str]) -> JobInfo:
    """Where a job is, by id alone: `queues` maps our queue names to their Redis keys."""
    async with pool.pipeline(transaction=False) as pipe:
        pipe.get(result_key_prefix + job_id)
        pipe.exists(in_progress_key_prefix + job_id)
        for key in queues.values():
            pipe.zscore(key, job_id)
        raw_result, in_progress, *scores = await pipe.execute()
    if raw_result:
        result = deserialize_result(raw_result)
        by_key = {key: name for name, key in queues.items()}
        return JobInfo(job_id, JobState.COMPLETE, by_key.get(result.queue_name), result)
    found = [(name, s) for name, s in zip(queues, scores, strict=True) if s is not None]
    if not found:
        return JobInfo(job_id, JobState.NOT_FOUND, None)
    queue, score = found[0]
    if in_progress:
        return JobInfo(job_id, JobState.IN_PROGRESS, queue)
    deferred = score > time.time() * 1000
    return JobInfo(job_id, JobState.DEFERRED if deferred else JobState.QUEUED, queue)


def result_payload(info: JobInfo) -> dict[str, Any]:
    """A finished job as JSON: a failure's exception becomes `"TypeError: …"`."""
    result = info.result
    assert result is not None
    value = result.result
    if isinstance(value, BaseException):
        value = f"{type(value).__name__}: {value}"
    return {
        "job_id": info.job_id,
        "status": info.state,
        "queue": info.queue,
        "task": result.function,
        "success": result.success,
        "result": _jsonable(value),
        "try": result.job_try,
        "enqueued_at": result.enqueue_time.isoformat(),
        "started_at": result.start_time.isoformat(),
        "finished_at": result.finish_time.isoformat(),
    }


def _jsonable(value: Any) -> Any:
    try:
        return jsonable_encoder(value)
    except (TypeError, ValueError):
        return repr(value)
