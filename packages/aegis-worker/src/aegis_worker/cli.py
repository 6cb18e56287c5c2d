"""`<slug> worker …`: run worker processes, inspect queues, measure the pipeline.

Expected failures (Redis down, a broken queue module, an unknown queue) print one line and
exit 1; tracebacks are for bugs. The project CLI mounts this sub-app at every start, even for
`<slug> --help`, so arq, redis and the user's queue modules are imported inside the commands.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import asdict
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer
from aegis_core.cli import console, fail

from aegis_worker.errors import UnknownQueue, WorkerError
from aegis_worker.settings import get_settings

if TYPE_CHECKING:
    from aegis_worker.registry import QueueSpec
    from aegis_worker.status import Snapshot


class LoadKind(StrEnum):
    cpu = "cpu"
    io = "io"
    memory = "memory"


def run(
    queue: Annotated[
        str | None, typer.Argument(help="Queue to serve (default: every queue).")
    ] = None,
    burst: Annotated[bool, typer.Option(help="Exit once the queue is empty.")] = False,
) -> None:
    """Run a worker process for one queue, or for all of them in one process."""
    from redis.exceptions import RedisError

    from aegis_worker.connection import describe, redact
    from aegis_worker.registry import load_queues
    from aegis_worker.runner import run_queues

    config = get_settings()
    _configure_logging(config.WORKER_LOG_LEVEL)
    try:
        specs = select_queues(load_queues(), queue)
        asyncio.run(run_queues(specs, config, burst=burst))
    except WorkerError as exc:
        fail(str(exc))
    except RedisError as exc:  # Redis answered, but not as a queue expects (e.g. WRONGTYPE)
        fail(f"Redis error at {redact(config.REDIS_URL)}: {describe(exc)}")
    except KeyboardInterrupt:  # Ctrl-C before the worker installed its own handlers
        raise typer.Exit(130) from None


def select_queues(queues: dict[str, QueueSpec], queue: str | None) -> list[QueueSpec]:
    if queue is None:
        return list(queues.values())
    if queue not in queues:
        raise UnknownQueue(f"unknown queue {queue!r}; known queues: {', '.join(queues)}")
    return [queues[queue]]


def status(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
) -> None:
    """Show Redis, and per queue: jobs due, deferred, live workers. Exit 1 if Redis is down."""
    from aegis_worker.connection import redact
    from aegis_worker.registry import load_queues
    from aegis_worker.status import take_snapshot

    config = get_settings()
    try:
        queues = load_queues()
        tasks = {name: set(spec.functions) for name, spec in queues.items()}
        snapshot = asyncio.run(take_snapshot(config, queues, tasks=tasks))
    except WorkerError as exc:
        fail(str(exc))
        return
    if as_json:
        typer.echo(json.dumps(asdict(snapshot), indent=2, default=str))
    else:
        _print_status(snapshot, redact(config.REDIS_URL))
    if snapshot.error:
        raise typer.Exit(1)


def alive(
    queue: Annotated[str, typer.Argument(help="The queue this host's worker serves.")],
) -> None:
    """Exit 0 while a worker process of this host serves QUEUE (its heartbeat has not expired).

    A worker container's HEALTHCHECK: Docker runs it inside the container, so it vouches for
    that container's process; `status` only proves that Redis answers."""
    import socket

    from aegis_worker.liveness import live_processes

    config = get_settings()
    try:
        processes = asyncio.run(live_processes(config, queue))
    except WorkerError as exc:
        fail(str(exc))
        return
    if not processes:
        within = f"{config.WORKER_HEALTH_CHECK_INTERVAL + 1:g}"
        fail(f"no worker process on {socket.gethostname()} said it serves {queue} in {within} s")
    typer.echo(f"{queue}: {', '.join(processes)} alive")


def _print_status(snapshot: Snapshot, url: str) -> None:
    from rich.table import Table

    if snapshot.redis is None:
        fail(snapshot.error or f"cannot reach Redis at {url}")
        return
    redis = snapshot.redis
    console.print(
        f"Redis {redis.version} at {url}: {redis.latency_ms:g} ms, {redis.used_memory} used",
        highlight=False,
    )
    table = Table()
    for column in ("queue", "redis key", "due", "deferred", "workers", "completed", "failed"):
        table.add_column(column)
    for q in snapshot.queues:
        counters = (q.health_check.get("j_complete", "-"), q.health_check.get("j_failed", "-"))
        style = "red" if q.ready and not q.workers else ""
        table.add_row(
            q.name,
            q.redis_key,
            str(q.ready),
            str(q.deferred),
            str(q.workers),
            *counters,
            style=style,
        )
    console.print(table)
    for q in snapshot.queues:
        if q.unknown_tasks:
            typer.echo(
                f"Warning: jobs on {q.name} name tasks it does not run (they can only fail): "
                f"{', '.join(q.unknown_tasks)}",
                err=True,
            )


def load_test(
    context: typer.Context,
    kind: Annotated[LoadKind, typer.Option("--type", help="Kind of work per job.")] = LoadKind.io,
    tasks: Annotated[int, typer.Option("--tasks", help="Jobs to enqueue (1-100000).")] = 100,
    work: Annotated[
        int | None,
        typer.Option(
            help="Work per job: iterations (cpu, 1-1000000), delay_ms (io, 0-10000), "
            "size_kb (memory, 1-32768)."
        ),
    ] = None,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for all jobs.")] = 120.0,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
) -> None:
    """Enqueue N jobs on `load_test`, wait, print throughput and p50/p95/p99 latency."""
    from aegis_worker.loadtest import run_load_test

    config = get_settings()
    command = f"{_program(context)} worker"
    try:
        report = asyncio.run(
            run_load_test(config, kind.value, tasks, work=work, timeout=timeout, command=command)
        )
    except WorkerError as exc:
        fail(str(exc))
        return
    if as_json:
        typer.echo(json.dumps(asdict(report), indent=2))
        return
    for line in report.lines():
        console.print(line, highlight=False)


def _program(context: typer.Context) -> str:
    """The project's command (`my-api`), for hints that tell the user what to run next."""
    root = context.find_root()
    return root.command.name or root.info_name or "python -m aegis_worker"


def _configure_logging(level: str) -> None:
    """The web process's format (`LOG_FORMAT=json` too), at `WORKER_LOG_LEVEL`."""
    from aegis_core.logs import configure_logging

    configure_logging(level)


app = typer.Typer(
    help="Background jobs (arq on Redis): run workers, inspect queues, load-test.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
"""`<slug> worker …`, and `python -m aegis_worker …`."""
app.command("run")(run)
app.command("status")(status)
app.command("alive")(alive)
app.command("load-test")(load_test)

load_test_app = typer.Typer(
    help="Measure the worker pipeline: enqueue N tasks, wait, report throughput.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
"""`<slug> load-test run …`: the same load test, under the name the docs use."""
load_test_app.command("run")(load_test)
