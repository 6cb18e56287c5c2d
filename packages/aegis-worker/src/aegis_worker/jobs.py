"""Jobs seen from outside a worker: find a job by id alone, read its result.

(Calls are validated before enqueueing by the API's per-task models, see `schemas`.)
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from arq.connections import ArqRedis
from arq.constants import in_progress_key_prefix, result_key_prefix
from arq.jobs import JobResult, deserialize_result
from fastapi.encoders import jsonable_encoder


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
