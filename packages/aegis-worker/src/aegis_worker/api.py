"""HTTP API, mounted by aegis-core under the API prefix (`/api/worker/...`).

GET  /worker/tasks                  tasks per queue
POST /worker/tasks/<task>           one route per task, body = its arguments → 202 + job_id
GET  /worker/jobs/{job_id}          queued | deferred | in_progress | complete (404 unknown)
GET  /worker/jobs/{job_id}/result   200 when finished, 202 while pending, 404 unknown

Every answer a route can give is in the OpenAPI document with its model, and each task's body
is its own model (see `schemas`), so clients and fuzzers know what is valid.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from arq.connections import ArqRedis
from fastapi import (
    APIRouter,
    Body,
    FastAPI,
    HTTPException,
    Path,
    Query,
    Request,
    Response,
    status,
)
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from aegis_worker.connection import REDIS_ERRORS, close, connect, unavailable
from aegis_worker.jobs import JobInfo, JobState, find_job, result_payload
from aegis_worker.registry import QueueConfigError, QueueSpec, load_queues, tasks_by_name
from aegis_worker.schemas import (
    EnqueuedJob,
    JobResultBody,
    JobStatus,
    Message,
    TaskCall,
    TaskList,
    ValidationErrors,
    clip,
    task_call,
)
from aegis_worker.settings import WorkerConfig, get_settings

Responses = dict[int | str, dict[str, Any]]
STATE_ATTR = "aegis_worker"
MAX_JOB_ID = 128
"""arq's ids are 32 hex characters; a caller-chosen `_job_id` may be longer, not unbounded."""
INVALID: Responses = {422: {"model": ValidationErrors, "description": "Invalid parameters or body"}}
REDIS_DOWN: Responses = {503: {"model": Message, "description": "Redis cannot be reached"}}
BROKEN: Responses = {500: {"model": Message, "description": "A queue module is broken"}}
UNKNOWN_JOB: Responses = {404: {"model": Message, "description": "Unknown or expired job"}}
BAD_BODY: Responses = {400: {"model": Message, "description": "The body could not be decoded"}}
JOB_LINKS = {
    "GetJobStatus": {
        "operationId": "worker_job_status",
        "parameters": {"job_id": "$response.body#/job_id"},
    },
    "GetJobResult": {
        "operationId": "worker_job_result",
        "parameters": {"job_id": "$response.body#/job_id"},
    },
}
JobId = Annotated[str, Path(min_length=1, max_length=MAX_JOB_ID)]
logger = logging.getLogger("aegis.worker")


class CleanErrorsRoute(APIRoute):
    """422 bodies name the place and the rule, never the rejected input (it may be huge)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as exc:
                issues = [_issue(error) for error in exc.errors()]
                return JSONResponse({"detail": issues}, status_code=422)

        return route_handler


def _issue(error: Any) -> dict[str, Any]:
    loc = [part if isinstance(part, int) else clip(str(part), 64) for part in error["loc"]]
    return {"loc": loc, "msg": clip(str(error["msg"])), "type": str(error["type"])}


@dataclass
class ApiState:
    """One Redis client per app, created on first use, closed by the component's lifespan."""

    config: WorkerConfig
    pool: ArqRedis


def api_state(app: FastAPI) -> ApiState:
    state: ApiState | None = getattr(app.state, STATE_ATTR, None)
    if state is None:
        config = get_settings()
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
    router = APIRouter(prefix="/worker", tags=["worker"], route_class=CleanErrorsRoute)
    router.add_api_route(
        "/tasks", list_tasks, methods=["GET"], response_model=TaskList, responses={**BROKEN}
    )
    try:
        queues = load_queues()
    except QueueConfigError as exc:
        logger.warning("worker queues not loaded: %s", exc)
        queues = {}  # /health and every route below name the broken module
    for task, specs in tasks_by_name(queues).items():
        _add_enqueue_route(router, task, specs)
    router.add_api_route("/tasks/{task}", unknown_task, methods=["POST"], include_in_schema=False)
    job_errors: Responses = {**UNKNOWN_JOB, **INVALID, **BROKEN, **REDIS_DOWN}
    router.add_api_route(
        "/jobs/{job_id}",
        job_status,
        methods=["GET"],
        response_model=JobStatus,
        operation_id="worker_job_status",
        responses=job_errors,
    )
    router.add_api_route(
        "/jobs/{job_id}/result",
        job_result,
        methods=["GET"],
        response_model=JobResultBody,
        operation_id="worker_job_result",
        responses={202: {"model": JobStatus, "description": "Not finished yet"}, **job_errors},
    )
    return router


def _add_enqueue_route(router: APIRouter, task: str, specs: list[QueueSpec]) -> None:
    call = task_call(task, specs[0].functions[task])
    router.add_api_route(
        f"/tasks/{task}",
        _enqueue_endpoint(task, call, {spec.name: spec for spec in specs}),
        methods=["POST"],
        status_code=status.HTTP_202_ACCEPTED,
        response_model=EnqueuedJob,
        operation_id=f"worker_enqueue_{task}",
        summary=f"Enqueue {task}",
        description=call.model.__doc__ or "",
        responses={
            202: {"description": "Queued", "links": JOB_LINKS},
            **BAD_BODY,
            **INVALID,
            **REDIS_DOWN,
        },
    )


def _enqueue_endpoint(
    task: str, call: TaskCall, queues: dict[str, QueueSpec]
) -> Callable[..., Coroutine[Any, Any, EnqueuedJob]]:
    """An endpoint whose body is `call.model`, and whose `queue` may name only `queues`."""
    queue_names = Literal[tuple(queues)]  # type: ignore[valid-type]
    default_queue = next(iter(queues))

    async def enqueue(request: Request, body: Any = None, queue: Any = None) -> EnqueuedJob:
        args, kwargs = call.arguments(body)
        state = api_state(request.app)
        name = queue or default_queue
        try:
            job = await state.pool.enqueue_job(
                task, *args, _queue_name=state.config.queue_name(name), **kwargs
            )
        except REDIS_ERRORS as exc:
            raise _redis_down(state, exc) from None
        assert job is not None  # None only for a caller-chosen id, which this API never sets
        return EnqueuedJob(job_id=job.job_id, task=task, queue=name)

    enqueue.__signature__ = _signature(call.model, call.required, queue_names, len(queues) > 1)  # type: ignore[attr-defined]
    return enqueue


def _signature(model: Any, required: bool, queue_names: Any, choice: bool) -> inspect.Signature:
    """What FastAPI reads: a body of the task's own model, and the optional `queue`."""
    keyword = inspect.Parameter.KEYWORD_ONLY
    body = (
        inspect.Parameter("body", keyword, annotation=Annotated[model, Body()])
        if required
        else inspect.Parameter(
            "body", keyword, annotation=Annotated[model | None, Body()], default=None
        )
    )
    queue_help = "Only when several queues run this task." if choice else "The task's queue."
    queue = inspect.Parameter(
        "queue",
        keyword,
        annotation=Annotated[queue_names | None, Query(description=queue_help)],
        default=None,
    )
    request = inspect.Parameter(
        "request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request
    )
    return inspect.Signature([request, body, queue], return_annotation=EnqueuedJob)


async def list_tasks() -> TaskList:
    """Every task a client may enqueue, per queue."""
    return TaskList(queues={name: spec.task_names for name, spec in _queues().items()})


async def unknown_task(task: str) -> None:
    """Not in the schema: turns FastAPI's bare 404 into one that lists the real tasks."""
    valid = ", ".join(sorted(tasks_by_name(_queues())))
    raise HTTPException(404, f"unknown task {clip(task, 80)!r}; tasks: {valid}")


def _queues() -> dict[str, QueueSpec]:
    try:
        return load_queues()
    except QueueConfigError as exc:
        raise HTTPException(status.HTTP_500_INTERNAL_SERVER_ERROR, str(exc)) from None


async def job_status(job_id: JobId, request: Request) -> JobStatus:
    info = await _find(job_id, request)
    return JobStatus(job_id=job_id, status=info.state, queue=info.queue)


async def job_result(job_id: JobId, request: Request) -> Any:
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
