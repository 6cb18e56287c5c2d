"""HTTP API, mounted by aegis-core under the API prefix (`/api/worker/...`).

GET  /worker/tasks                  tasks per queue
POST /worker/tasks/{task}           enqueue: {"args": [...], "kwargs": {...}} → 202 + job_id
GET  /worker/jobs/{job_id}          queued | deferred | in_progress | complete (404 unknown)
GET  /worker/jobs/{job_id}/result   200 when finished, 202 while pending, 404 unknown
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from arq.connections import ArqRedis
from fastapi import APIRouter, FastAPI, HTTPException, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from aegis_worker.connection import REDIS_ERRORS, close, connect, unavailable
from aegis_worker.jobs import (
    ArgumentError,
    JobInfo,
    JobState,
    bind_arguments,
    find_job,
    result_payload,
)
from aegis_worker.registry import QueueConfigError, QueueSpec, find_task, load_queues
from aegis_worker.settings import WorkerConfig

STATE_ATTR = "aegis_worker"


class EnqueueRequest(BaseModel):
    args: list[Any] = Field(default_factory=list, description="Positional arguments (after ctx).")
    kwargs: dict[str, Any] = Field(default_factory=dict, description="Keyword arguments.")
    queue: str | None = Field(default=None, description="Only when several queues run the task.")


class EnqueuedJob(BaseModel):
    job_id: str
    task: str
    queue: str
    status: JobState = JobState.QUEUED


class JobStatus(BaseModel):
    job_id: str
    status: JobState
    queue: str | None


@dataclass
class ApiState:
    """One Redis client per app, created on first use, closed by the component's lifespan."""

    config: WorkerConfig
    pool: ArqRedis


def api_state(app: FastAPI) -> ApiState:
    state: ApiState | None = getattr(app.state, STATE_ATTR, None)
    if state is None:
        config = WorkerConfig()
        pool = connect(config.REDIS_URL, timeout=max(config.WORKER_REDIS_TIMEOUT, 2.0))
        state = ApiState(config, pool)
        setattr(app.state, STATE_ATTR, state)
    return state


async def close_api_state(app: FastAPI) -> None:
    state: ApiState | None = getattr(app.state, STATE_ATTR, None)
    if state is not None:
        await close(state.pool)
        setattr(app.state, STATE_ATTR, None)


def build_router() -> APIRouter:
    router = APIRouter(prefix="/worker", tags=["worker"])
    router.add_api_route("/tasks", list_tasks, methods=["GET"])
    router.add_api_route(
        "/tasks/{task}",
        enqueue_task,
        methods=["POST"],
        status_code=status.HTTP_202_ACCEPTED,
        response_model=EnqueuedJob,
    )
    router.add_api_route("/jobs/{job_id}", job_status, methods=["GET"], response_model=JobStatus)
    router.add_api_route("/jobs/{job_id}/result", job_result, methods=["GET"])
    return router


def _queues() -> dict[str, QueueSpec]:
    try:
        return load_queues()
    except QueueConfigError as exc:
        raise HTTPException(status.HTTP_500_INTERNAL_SERVER_ERROR, str(exc)) from None


async def list_tasks() -> dict[str, dict[str, list[str]]]:
    """Every task a client may enqueue, per queue."""
    return {"queues": {name: spec.task_names for name, spec in _queues().items()}}


async def enqueue_task(task: str, body: EnqueueRequest, request: Request) -> EnqueuedJob:
    """Validate the call against the task's signature, then enqueue it on its queue."""
    spec = _queue_for(task, body.queue)
    try:
        args, kwargs = bind_arguments(spec.functions[task], body.args, body.kwargs)
    except ArgumentError as exc:
        # 422 as a number: Starlette renamed the constant and deprecates the old name.
        raise HTTPException(422, exc.errors) from None
    state = api_state(request.app)
    queue_name = state.config.queue_name(spec.name)
    try:
        job = await state.pool.enqueue_job(task, *args, _queue_name=queue_name, **kwargs)
    except REDIS_ERRORS as exc:
        raise _redis_down(state, exc) from None
    if job is None:  # only with a caller-chosen id, which this API never sets
        raise HTTPException(status.HTTP_409_CONFLICT, "a job with this id already exists")
    return EnqueuedJob(job_id=job.job_id, task=task, queue=spec.name)


def _queue_for(task: str, queue: str | None) -> QueueSpec:
    queues = _queues()
    if queue is not None and queue not in queues:
        detail = {"message": f"unknown queue {queue!r}", "valid_queues": list(queues)}
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail)
    spec = queues[queue] if queue is not None else find_task(queues, task)
    if spec is None or task not in spec.functions:
        valid = spec.task_names if spec is not None else _all_tasks(queues)
        where = f" on queue {queue!r}" if queue is not None else ""
        detail = {"message": f"unknown task {task!r}{where}", "valid_tasks": valid}
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail)
    return spec


def _all_tasks(queues: dict[str, QueueSpec]) -> list[str]:
    return sorted({task for spec in queues.values() for task in spec.functions})


async def job_status(job_id: str, request: Request) -> JobStatus:
    info = await _find(job_id, request)
    return JobStatus(job_id=job_id, status=info.state, queue=info.queue)


async def job_result(job_id: str, request: Request) -> Any:
    """The finished job's return value (or its error); 202 with the status while pending."""
    info = await _find(job_id, request)
    if info.state is not JobState.COMPLETE:
        pending = {"job_id": job_id, "status": info.state, "queue": info.queue}
        return JSONResponse(pending, status_code=status.HTTP_202_ACCEPTED)
    return result_payload(info)


async def _find(job_id: str, request: Request) -> JobInfo:
    state = api_state(request.app)
    keys = {name: state.config.queue_name(name) for name in _queues()}
    try:
        info = await find_job(state.pool, job_id, keys)
    except REDIS_ERRORS as exc:
        raise _redis_down(state, exc) from None
    if info.state is JobState.NOT_FOUND:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no job {job_id!r} (unknown or expired)")
    return info


def _redis_down(state: ApiState, exc: BaseException) -> HTTPException:
    message = str(unavailable(state.config.REDIS_URL, exc))
    return HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, message)
