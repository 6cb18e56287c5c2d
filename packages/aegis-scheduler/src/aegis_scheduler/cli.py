"""`<slug> scheduler run | jobs | status`."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer
from aegis_core.cli import fail

if TYPE_CHECKING:
    from aegis_scheduler.settings import SchedulerSettings

app = typer.Typer(
    help="Scheduler (APScheduler): run the scheduler process, list jobs, check it.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@contextmanager
def _one_line_errors() -> Iterator[None]:
    """Configuration and unreachable stores end in one line and exit 1; bugs keep tracebacks."""
    from aegis_scheduler.stores import JobStoreError

    try:
        yield
    except JobStoreError as exc:
        fail(str(exc))
    except Exception as exc:
        if type(exc).__module__.split(".")[0] != "sqlalchemy":
            raise
        from aegis_core.messages import one_line

        from aegis_scheduler.stores import resolve_store

        fail(f"job store {resolve_store(_settings()).label}: {one_line(exc)}")


def _settings() -> SchedulerSettings:
    from aegis_scheduler.settings import get_settings

    return get_settings()


@app.command()
def run() -> None:
    """Run the scheduler process (foreground; SIGTERM or Ctrl-C stops it cleanly)."""
    from aegis_scheduler.runner import run as run_scheduler

    with _one_line_errors():
        run_scheduler(_settings())


@app.command()
def jobs(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
) -> None:
    """List scheduled jobs and their next run times."""
    from aegis_scheduler.health import format_time
    from aegis_scheduler.jobs import list_jobs

    with _one_line_errors():
        listing = list_jobs(_settings())
    if as_json:
        jobs_json = [j.model_dump(mode="json") for j in listing.jobs]
        typer.echo(json.dumps({"source": listing.source, "jobs": jobs_json}, indent=2))
        return
    typer.echo(f"jobs from {listing.source}")
    if not listing.jobs:
        typer.echo("no jobs (add them in app/components/scheduler.py: register_jobs)")
        return
    width = max(len(j.id) for j in listing.jobs)
    for job in listing.jobs:
        when = format_time(job.next_run_time)
        typer.echo(f"  {job.id:<{width}}  next {when:<25}  {job.name}  [{job.trigger}]")


@app.command()
def status() -> None:
    """Say whether a scheduler is running (exit 1 if not: usable as a container healthcheck)."""
    from aegis_core.health.models import HealthStatus

    from aegis_scheduler.health import check_scheduler

    health = asyncio.run(check_scheduler(_settings()))
    typer.echo(f"{health.status}: {health.message}")
    if health.status is not HealthStatus.HEALTHY:
        raise typer.Exit(1)
