"""`<slug> worker …`: run worker processes, inspect queues, measure the pipeline.

Expected failures (Redis down, a broken queue module, an unknown queue) print one line and
exit 1; tracebacks are for bugs. The project CLI builds this sub-app at every start, even for
`<slug> --help`, so arq, redis and the user's queue modules are imported inside the commands.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import asdict
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer
from aegis_core.cli.output import console

from aegis_worker.errors import UnknownQueue, WorkerError
from aegis_worker.settings import WorkerConfig

if TYPE_CHECKING:
    from aegis_worker.registry import QueueSpec
    from aegis_worker.status import Snapshot


class LoadKind(StrEnum):
    cpu = "cpu"
    io = "io"
    memory = "memory"


def build_cli() -> typer.Typer:
    app = typer.Typer(
        help="Background jobs (arq on Redis): run workers, inspect queues, load-test.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
    )
    app.command("run")(run)
    app.command("status")(status)
    app.command("load-test")(load_test)
    return app


def build_load_test_cli() -> typer.Typer:
    """`<slug> load-test run …`: the same load test, under the name the docs use."""
    app = typer.Typer(
        help="Measure the worker pipeline: enqueue N tasks, wait, report throughput.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
    )
    app.command("run")(load_test)
    return app


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

    config = WorkerConfig()
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

    config = WorkerConfig()
    try:
        snapshot = asyncio.run(take_snapshot(config, load_queues()))
    except WorkerError as exc:
        fail(str(exc))
        return
    if as_json:
        typer.echo(json.dumps(asdict(snapshot), indent=2, default=str))
    else:
        _print_status(snapshot, redact(config.REDIS_URL))
    if snapshot.error:
        raise typer.Exit(1)


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


def load_test(
    kind: Annotated[LoadKind, typer.Option("--type", help="Kind of work per job.")] = LoadKind.io,
    tasks: Annotated[int, typer.Option("--tasks", min=1, help="Jobs to enqueue.")] = 100,
    work: Annotated[
        int | None,
        typer.Option(help="Work per job: iterations (cpu), delay_ms (io), size_kb (memory)."),
    ] = None,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for all jobs.")] = 120.0,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
) -> None:
    """Enqueue N jobs on `load_test`, wait, print throughput and p50/p95/p99 latency."""
    from aegis_worker.loadtest import run_load_test

    config = WorkerConfig()
    try:
        report = asyncio.run(run_load_test(config, kind.value, tasks, work=work, timeout=timeout))
    except WorkerError as exc:
        fail(str(exc))
        return
    if as_json:
        typer.echo(json.dumps(asdict(report), indent=2))
        return
    for line in report.lines():
        console.print(line, highlight=False)


def fail(message: str) -> None:
    """One unwrapped line on stderr, exit 1 (rich would wrap it at 80 columns in a pipe)."""
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(1)


def _configure_logging(level: str) -> None:
    logging.basicConfig(
        level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
