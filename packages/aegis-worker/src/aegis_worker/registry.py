"""Which queues exist and which tasks each one runs: built-ins merged with the user's stubs.

Business logic is imported explicitly, never discovered by scanning for functions: a queue
module `<project>/components/worker/queues/<queue>.py` lists its tasks in `functions = [...]`
and/or an arq-style `class WorkerSettings` (`functions`, `cron_jobs`, and per-queue worker
options such as `max_jobs` or `job_timeout`). A module whose name is not a built-in queue
creates a new queue. Without any module the built-in queues still work.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from types import ModuleType
from typing import Any

from aegis_core.hooks import import_optional
from aegis_core.project import project_package
from arq.cron import CronJob
from arq.worker import Function, Worker, func

from aegis_worker.errors import QueueConfigError
from aegis_worker.tasks import LOAD_TEST_TASKS, SYSTEM_TASKS

BUILTIN_QUEUES: dict[str, tuple[Callable[..., Any], ...]] = {
    "system": SYSTEM_TASKS,
    "load_test": tuple(LOAD_TEST_TASKS.values()),
}
RESERVED_OPTIONS = frozenset(
    {"functions", "cron_jobs", "queue_name", "redis_settings", "redis_pool", "burst"}
    | {"handle_signals", "health_check_key"}
)
"""Worker arguments the package controls; a stub setting them would break routing or health."""
WORKER_OPTIONS = frozenset(inspect.signature(Worker).parameters) - RESERVED_OPTIONS


@dataclass(frozen=True)
class QueueSpec:
    """One queue: its tasks, cron jobs and the worker options its stub asked for."""

    name: str
    functions: Mapping[str, Function]
    cron_jobs: tuple[CronJob, ...] = ()
    options: Mapping[str, Any] = field(default_factory=dict)
    module: str | None = None
    """The user's module that contributed to this queue, if any."""

    @property
    def task_names(self) -> list[str]:
        return sorted(self.functions)


def load_queues(package: str | None = None) -> dict[str, QueueSpec]:
    """Every queue by name, built-ins first. Cached: stubs are imported once per process."""
    return _load_queues(package or project_package())


@cache
def _load_queues(package: str) -> dict[str, QueueSpec]:
    queues = {name: _spec(name, tasks, None, None) for name, tasks in BUILTIN_QUEUES.items()}
    for name, module in _queue_modules(package):
        base = BUILTIN_QUEUES.get(name, ())
        queues[name] = _spec(name, base, module, getattr(module, "WorkerSettings", None))
    return queues


def find_task(queues: Mapping[str, QueueSpec], task: str) -> QueueSpec | None:
    """The queue that runs `task` (first in queue order when several do)."""
    return next((spec for spec in queues.values() if task in spec.functions), None)


def _queue_modules(package: str) -> Iterable[tuple[str, ModuleType]]:
    parent_name = f"{package}.components.worker.queues"
    try:
        parent = import_optional(parent_name)
    except Exception as exc:
        raise QueueConfigError(f"{parent_name} failed to import: {_one_line(exc)}") from exc
    if parent is None or not hasattr(parent, "__path__"):
        return []
    found = []
    for info in sorted(pkgutil.iter_modules(parent.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module_name = f"{parent_name}.{info.name}"
        try:
            found.append((info.name, importlib.import_module(module_name)))
        except Exception as exc:
            raise QueueConfigError(f"{module_name} failed to import: {_one_line(exc)}") from exc
    return found


def _spec(
    name: str,
    builtins: Iterable[Callable[..., Any]],
    module: ModuleType | None,
    settings_cls: type | None,
) -> QueueSpec:
    where = module.__name__ if module is not None else "aegis_worker"
    listed = [*builtins]
    crons: list[Any] = []
    for source in (module, settings_cls):
        listed += list(getattr(source, "functions", ()) or ())
        crons += list(getattr(source, "cron_jobs", ()) or ())
    options = _options(settings_cls, where)
    functions = _functions(listed, where)
    cron_jobs = _cron_jobs(crons, where)
    if not functions and not cron_jobs:
        raise QueueConfigError(f"{where}: lists no tasks (add `functions = [...]`)")
    return QueueSpec(name, functions, cron_jobs, options, where)


def _functions(listed: Iterable[Any], where: str) -> dict[str, Function]:
    """arq `Function`s by name; a later entry with the same name overrides a built-in."""
    functions: dict[str, Function] = {}
    for entry in listed:
        try:
            function = func(entry)
        except (RuntimeError, ImportError, AttributeError) as exc:
            raise QueueConfigError(f"{where}: bad entry in functions: {_one_line(exc)}") from exc
        functions[function.name] = function
    return functions


def _cron_jobs(crons: Iterable[Any], where: str) -> tuple[CronJob, ...]:
    for job in crons:
        if not isinstance(job, CronJob):
            raise QueueConfigError(
                f"{where}: cron_jobs entries must be arq.cron(...) jobs, got {job!r}"
            )
    return tuple(crons)


def _options(settings_cls: type | None, where: str) -> dict[str, Any]:
    """Worker options from the stub's `WorkerSettings` (`max_jobs`, `job_timeout`, …)."""
    if settings_cls is None:
        return {}
    attributes = {k: v for k, v in vars(settings_cls).items() if not k.startswith("_")}
    reserved = sorted(set(attributes) & (RESERVED_OPTIONS - {"functions", "cron_jobs"}))
    if reserved:
        raise QueueConfigError(
            f"{where}: WorkerSettings may not set {', '.join(reserved)} (aegis-worker sets them)"
        )
    return {k: v for k, v in attributes.items() if k in WORKER_OPTIONS}


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__
