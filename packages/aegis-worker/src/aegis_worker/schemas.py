"""The worker API's models: one request model per task, derived from the task's signature.

A client (or a fuzzer) reads from the OpenAPI document exactly which arguments each task takes,
with their types and bounds; the server validates with the same model, so whatever the document
allows is accepted and whatever it forbids is a 422. Top-level scalars follow JSON, not Python's
lax coercion: `"7"` and `true` are not integers (`7.0` is), because a schema that says
`integer` must not quietly accept a string.
"""

from __future__ import annotations

import inspect
import json
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Union

from arq.worker import Function
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    TypeAdapter,
    create_model,
)

from aegis_worker.jobs import JobState

MAX_TEXT = 200
"""Longest piece of client input an error message repeats."""


class Message(BaseModel):
    detail: str


class ValidationIssue(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrors(BaseModel):
    """A 422: what was wrong, where; never the rejected input itself."""

    detail: list[ValidationIssue]


class TaskList(BaseModel):
    queues: dict[str, list[str]] = Field(description="Task names per queue.")


class EnqueuedJob(BaseModel):
    job_id: str
    task: str
    queue: str
    status: JobState = JobState.QUEUED


class JobStatus(BaseModel):
    job_id: str
    status: JobState
    queue: str | None


class JobResultBody(BaseModel):
    """A finished job; a failure's exception is `result` as `"TypeError: …"`."""

    model_config = ConfigDict(populate_by_name=True)

    job_id: str
    status: JobState
    queue: str | None
    task: str
    success: bool
    result: Any
    try_: int = Field(alias="try")
    enqueued_at: datetime
    started_at: datetime
    finished_at: datetime


@dataclass(frozen=True)
class TaskCall:
    """How a validated request body becomes the task's `*args, **kwargs`."""

    model: type[BaseModel]
    positional: tuple[str, ...]
    """Parameters that must be passed by position (positional-only, or before a `*args`)."""
    var_positional: str | None
    required: bool

    def arguments(self, body: BaseModel | None) -> tuple[tuple[Any, ...], dict[str, Any]]:
        values = body.model_dump(by_alias=True) if body is not None else {}
        args = [values.pop(name) for name in self.positional if name in values]
        if self.var_positional is not None:
            args += values.pop(self.var_positional, [])
        return tuple(args), values


def task_call(name: str, function: Function) -> TaskCall:
    """The request model of one task: a field per parameter after `ctx`."""
    parameters = list(inspect.signature(function.coroutine).parameters.values())[1:]
    hints = _hints(function.coroutine)
    kinds = inspect.Parameter
    fields: dict[str, Any] = {}
    extra = "forbid"
    for index, parameter in enumerate(parameters):
        if parameter.kind is kinds.VAR_KEYWORD:
            extra = "allow"
            continue
        hint = _usable(hints.get(parameter.name, Any))
        if parameter.kind is kinds.VAR_POSITIONAL:
            items: Any = list[_strict(hint)]  # type: ignore[misc]
            fields[f"p{index}"] = (items, Field(default_factory=list, alias=parameter.name))
        else:
            fields[f"p{index}"] = (_strict(hint), _field(parameter))
    star = next((p for p in parameters if p.kind is kinds.VAR_POSITIONAL), None)
    by_position = [p for p in parameters if p.kind is kinds.POSITIONAL_ONLY]
    if star is not None:
        by_position += [p for p in parameters if p.kind is kinds.POSITIONAL_OR_KEYWORD]
    config = ConfigDict(extra=extra, populate_by_name=False, title=f"{name} arguments")  # type: ignore[typeddict-item]
    model = create_model(f"Enqueue_{name}", __config__=config, **fields)
    model.__doc__ = _first_line(function.coroutine)
    required = any(f.is_required() for f in model.model_fields.values())
    return TaskCall(
        model,
        tuple(p.name for p in by_position),
        star.name if star is not None else None,
        required,
    )


def _field(parameter: inspect.Parameter) -> Any:
    if parameter.default is inspect.Parameter.empty:
        return Field(alias=parameter.name)
    default = parameter.default
    try:
        json.dumps(default)
    except (TypeError, ValueError):  # a default JSON cannot show: keep it out of the schema
        return Field(default_factory=lambda: default, alias=parameter.name)
    return Field(default=default, alias=parameter.name)


def _hints(function: Callable[..., Any]) -> dict[str, Any]:
    try:
        return typing.get_type_hints(function, include_extras=True)
    except Exception:  # unresolvable annotations: accept any value rather than refuse all
        return {}


def _usable(hint: Any) -> Any:
    """The hint, or `Any` when it has no JSON schema (a custom class): accept rather than crash."""
    try:
        TypeAdapter(hint).json_schema()
    except Exception:
        return Any
    return hint


def _strict(hint: Any) -> Any:
    """`int` → JSON's integer, also inside `Annotated[...]` and `X | None`."""
    base = typing.get_args(hint)[0] if typing.get_origin(hint) is Annotated else hint
    if typing.get_origin(base) in (Union, types.UnionType) and base is hint:
        return Union[tuple(_strict(arg) for arg in typing.get_args(hint))]  # noqa: UP007
    if base in (bool, str):
        return Annotated[hint, Strict()]
    if base in (int, float):  # JSON's 3.0 is an integer; "3" and true are not numbers
        return Annotated[hint, BeforeValidator(_json_number)]
    return hint


def _json_number(value: Any) -> Any:
    if isinstance(value, (str, bytes, bool)):
        raise ValueError("Input should be a JSON number")
    return value


def _first_line(function: Callable[..., Any]) -> str:
    doc = inspect.getdoc(function) or ""
    return doc.splitlines()[0] if doc else f"Enqueue {function.__name__}."


def clip(text: str, limit: int = MAX_TEXT) -> str:
    """Client input as it may appear in an error message: at most `limit` characters."""
    return text if len(text) <= limit else f"{text[:limit]}…"
