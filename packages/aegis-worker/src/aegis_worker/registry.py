"""Which queues exist and which tasks each one runs: built-ins merged with the user's stubs.

A queue module `<project>/components/worker/queues/<queue>.py` lists its tasks in
`functions = [...]` and/or an arq-style `class WorkerSettings` (`functions`, `cron_jobs`, and
per-queue worker options such as `max_jobs` or `job_timeout`); a module that lists no
`functions` contributes its own `async def name(ctx, ...)` tasks. Modules in
`<project>/components/worker/tasks/*.py` follow the same rules and add to the `system` queue.
A queue module whose name is not a built-in queue creates a new queue. Without any module the
built-in queues still work.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from types import ModuleType
from typing import Any

from aegis_core.messages import one_line
from aegis_core.project import import_optional, project_package
from arq.cron import CronJob
from arq.worker import Function, Worker, func

from aegis_worker.errors import QueueConfigError
from aegis_worker.settings import get_settings
from aegis_worker.tasks import BUILTIN_TIMEOUT_S, LOAD_TEST_TASKS, Ctx, ping


async def queue_depths(ctx: Ctx) -> dict[str, int]:
    """Housekeeping (a `system` task): how many jobs wait in each queue, seen from a worker."""
    config = get_settings()
    names = {name: config.queue_name(name) for name in load_queues()}
    depths = [await ctx["redis"].zcard(queue) for queue in names.values()]
    return dict(zip(names, depths, strict=True))


SYSTEM_TASKS = (ping, queue_depths)
BUILTIN_QUEUES: dict[str, tuple[Function, ...]] = {
    "system": tuple(func(task, timeout=BUILTIN_TIMEOUT_S) for task in SYSTEM_TASKS),
    "load_test": tuple(func(task, timeout=BUILTIN_TIMEOUT_S) for task in LOAD_TEST_TASKS.values()),
}
"""Built-in tasks carry their own time limit, so a slow one frees its worker slot early."""
TASKS_QUEUE = "system"
"""Modules in `components/worker/tasks/` add their tasks (and cron jobs) to this queue."""
RESERVED_QUEUE_NAMES = frozenset({"health-check", "workers", "recent", "done"})
"""The system queue is arq's default key (`arq:queue`); these suffixes are its bookkeeping."""
RESERVED_OPTIONS = frozenset(
    {"functions", "cron_jobs", "queue_name", "redis_settings", "redis_pool", "burst"}
    | {"handle_signals", "health_check_key"}
)
"""Worker arguments the package controls; a stub setting them would break routing or health."""
WORKER_OPTIONS = frozenset(inspect.signature(Worker).parameters) - RESERVED_OPTIONS


@dataclass(frozen=True)
class QueueSpec:
    """One queue: its tasks, cron jobs and the worker options its stubs asked for."""

    name: str
    functions: Mapping[str, Function]
    cron_jobs: tuple[CronJob, ...] = ()
    options: Mapping[str, Any] = field(default_factory=dict)
    module: str | None = None
    """The user's modules that contributed to this queue, if any (comma-separated)."""

    @property
    def task_names(self) -> list[str]:
        return sorted(self.functions)


def load_queues(package: str | None = None) -> dict[str, QueueSpec]:
    """Every queue by name, built-ins first. Cached: stubs are imported once per process."""
    return _load_queues(package or project_package())


@cache
def _load_queues(package: str) -> dict[str, QueueSpec]:
    sources: dict[str, list[ModuleType]] = {name: [] for name in BUILTIN_QUEUES}
    for _, module in _stub_modules(package, "tasks"):
        sources[TASKS_QUEUE].append(module)
    for name, module in _stub_modules(package, "queues"):
        if name in RESERVED_QUEUE_NAMES:
            raise QueueConfigError(
                f"{module.__name__}: {name!r} cannot be a queue name (the system queue's "
                "bookkeeping uses it); rename the file"
            )
        sources.setdefault(name, []).append(module)
    return {
        name: _spec(name, BUILTIN_QUEUES.get(name, ()), modules)
        for name, modules in sources.items()
    }


def tasks_by_name(queues: Mapping[str, QueueSpec]) -> dict[str, list[QueueSpec]]:
    """Task name → the queues that run it, in queue order (the first is where it goes)."""
    found: dict[str, list[QueueSpec]] = {}
    for spec in queues.values():
        for task in spec.task_names:
            found.setdefault(task, []).append(spec)
    return found


def _stub_modules(package: str, folder: str) -> Iterable[tuple[str, ModuleType]]:
    parent_name = f"{package}.components.worker.{folder}"
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


def _spec(name: str, builtins: Iterable[Function], modules: list[ModuleType]) -> QueueSpec:
    where = ", ".join(m.__name__ for m in modules) or "aegis_worker"
    listed: list[Any] = [*builtins]
    crons: list[Any] = []
    options: dict[str, Any] = {}
    for module in modules:
        settings_cls = getattr(module, "WorkerSettings", None)
        listed += _listed_functions(module, settings_cls)
        for source in (module, settings_cls):
            crons += list(getattr(source, "cron_jobs", ()) or ())
        options |= _options(settings_cls, module.__name__)
    functions = _functions(listed, where)
    cron_jobs = _cron_jobs(crons, where)
    if not functions and not cron_jobs:
        raise QueueConfigError(f"{where}: lists no tasks (add `functions = [...]`)")
    return QueueSpec(name, functions, cron_jobs, options, where if modules else None)


def _listed_functions(module: ModuleType, settings_cls: type | None) -> list[Any]:
    """`functions` from the module and its `WorkerSettings`; without either, the module's own
    `async def task(ctx, ...)` functions, so a task written the way arq's docs show it is
    never silently left out."""
    declared = [
        getattr(source, "functions", None) or ()
        for source in (module, settings_cls)
        if hasattr(source, "functions")
    ]
    if declared:
        return [entry for entries in declared for entry in entries]
    return [
        value
        for value in vars(module).values()
        if inspect.iscoroutinefunction(value)
        and value.__module__ == module.__name__
        and not value.__name__.startswith("_")
        and next(iter(inspect.signature(value).parameters), None) == "ctx"
    ]


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
    """`TypeName: first line`: which error it was matters in a broken stub module."""
    text, name = one_line(exc), type(exc).__name__
    return name if text == name else f"{name}: {text}"
