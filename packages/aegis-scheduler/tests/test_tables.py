"""Replicas that start together each create the scheduler's tables; none of them may fail."""

from __future__ import annotations

import threading

import pytest
from aegis_scheduler.tables import ensure_table
from aegis_scheduler.testing import Project
from sqlalchemy import Column, MetaData, String, Table, create_engine, inspect

REPLICAS = 6


def _start_together(url: str, name: str) -> list[BaseException]:
    """Every replica creates table `name` at the same instant; the errors they raised."""
    engines = [create_engine(url) for _ in range(REPLICAS)]
    barrier = threading.Barrier(REPLICAS)
    errors: list[BaseException] = []

    def replica(engine: object) -> None:
        table = Table(name, MetaData(), Column("name", String(64), primary_key=True))
        barrier.wait()
        try:
            ensure_table(engine, table)
        except BaseException as exc:  # recorded: the assertion names it
            errors.append(exc)

    threads = [threading.Thread(target=replica, args=(e,)) for e in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert inspect(engines[0]).has_table(name)
    for engine in engines:
        engine.dispose()
    return errors


def test_replicas_creating_the_same_table_at_once_all_succeed(
    project: Project, sql_jobstore: str
) -> None:
    (project.root / "data").mkdir(exist_ok=True)
    for attempt in range(5):  # the race is timing-dependent: several fresh tables per run
        errors = _start_together(sql_jobstore, f"race_{attempt}")
        assert not errors, f"a replica failed to start: {errors[0]!r}"


def test_a_real_failure_still_surfaces() -> None:
    engine = create_engine("sqlite:////nonexistent-dir/for-sure/jobs.db")
    table = Table("jobs", MetaData(), Column("name", String(64), primary_key=True))
    with pytest.raises(Exception, match="unable to open database file"):
        ensure_table(engine, table)
