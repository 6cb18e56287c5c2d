"""What the dashboard says in words: readable values, the problems headline, the history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aegis_core import ComponentHealth, DashboardCard, HealthStatus
from aegis_core.dashboard.cards import card_content
from aegis_core.dashboard.history import MAX_POINTS, SAMPLE_SECONDS, History, describe
from aegis_core.dashboard.humanize import describe_url, label, masked, readable
from aegis_core.dashboard.summary import entries, headline
from aegis_core.health.models import DetailedHealth

ROOT = Path("/srv/shop")


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("sqlite+pysqlite:////srv/shop/data/app.db", "SQLite file data/app.db"),
        ("sqlite:///:memory:", "SQLite in memory"),
        ("postgresql+psycopg://app:s3cret@db:5432/shop", "PostgreSQL at db:5432/shop"),
        ("redis://:pw@127.0.0.1:6379/0", "Redis at 127.0.0.1:6379/0"),
        ("http://127.0.0.1:8000/health", "127.0.0.1:8000/health"),
    ],
)
def test_urls_are_described_without_credentials(raw: str, shown: str) -> None:
    assert describe_url(raw, ROOT) == shown


def test_readable_strips_code_marks_paths_and_stamps() -> None:
    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    stamp = now.replace(hour=11, minute=42, second=31).isoformat()
    local = datetime.fromisoformat(stamp).astimezone().strftime("%H:%M:%S")

    text = readable(f"run `worker run` in /srv/shop/app/jobs.py since {stamp}", ROOT, now)

    assert text == f"run worker run in app/jobs.py since {local}"
    assert "s3cret" not in readable("postgresql://u:s3cret@h/db", ROOT)
    assert (
        readable("cannot reach Redis at redis://h:6379/0", ROOT) == "cannot reach Redis at h:6379/0"
    )


def test_a_stamp_of_another_day_keeps_its_date() -> None:
    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    earlier = (now - timedelta(days=3)).isoformat()

    assert readable(earlier, ROOT, now).startswith("Feb 26")


def test_labels_share_one_case_and_details_mask_secrets() -> None:
    assert [label(x) for x in ("job store", "SELECT 1", "schedule_reports")] == [
        "Job store",
        "SELECT 1",
        "schedule_reports",  # a job the user named: kept as written
    ]
    raw = {"url": "redis://:pw@h:6379/0", "nested": [{"api_token": "abc"}], "n": 3}

    assert masked(raw) == {"url": "redis://:***@h:6379/0", "nested": [{"api_token": "***"}], "n": 3}


def test_component_rows_are_made_readable_and_never_repeat_the_message() -> None:
    from aegis_core.component import Component

    health = ComponentHealth(
        name="database",
        status=HealthStatus.UNHEALTHY,
        message="cannot reach db:5432",
        metadata={"password": "s3cret"},
    )
    card = DashboardCard(
        title="Database",
        rows=[
            ("status", "unhealthy: cannot reach db:5432"),
            ("location", "postgresql://app:s3cret@db:5432/shop"),
            ("db_password", "s3cret"),
        ],
    )

    content = card_content(health, Component(dashboard_card=lambda _: card))

    assert content.rows == (("Location", "PostgreSQL at db:5432/shop"), ("db_password", "•••••"))
    assert "s3cret" not in content.details and '"password": "***"' in content.details


def detailed(**parts: ComponentHealth) -> DetailedHealth:
    return DetailedHealth(
        status=HealthStatus.worst(p.status for p in parts.values()),
        healthy=True,
        app_name="shop",
        aegis_core_version="0.1.0",
        components=parts,
        services={},
        timestamp=datetime.now(UTC),
    )


def node(
    name: str, status: HealthStatus, message: str = "", **subs: ComponentHealth
) -> ComponentHealth:
    return ComponentHealth(name=name, status=status, message=message, sub_components=subs)


def test_headline_names_each_problem_with_what_is_wrong_worst_first() -> None:
    worker = node(
        "worker",
        HealthStatus.HEALTHY,  # the worker's own status; its queue makes it a problem
        "2 queues",
        system=node("system", HealthStatus.HEALTHY, "idle"),
        load_test=node(
            "load_test",
            HealthStatus.UNHEALTHY,
            "40 jobs due and no live worker (run: worker run load_test)",
        ),
    )
    database = node("database", HealthStatus.WARNING, "cannot reach `db:5432`")
    health = detailed(
        backend=node("backend", HealthStatus.HEALTHY), database=database, worker=worker
    )

    assert headline(health) == (
        "2 problems: Worker (load_test: 40 jobs due and no live worker), "
        "Database (cannot reach db:5432)"
    )
    assert [e.name for e in entries(health)] == ["worker", "database", "backend"]


def test_headline_says_one_cause_once() -> None:
    down = "cannot reach Redis at redis://127.0.0.1:1/0"
    worker = node(
        "worker",
        HealthStatus.UNHEALTHY,
        down,
        redis=node("redis", HealthStatus.UNHEALTHY, down),
        system=node("system", HealthStatus.UNHEALTHY, f"state unknown: {down}"),
    )

    assert headline(detailed(worker=worker)) == (
        "1 problem: Worker (redis: cannot reach Redis at 127.0.0.1:1/0)"
    )


def test_headline_when_nothing_is_wrong() -> None:
    health = detailed(
        backend=node("backend", HealthStatus.HEALTHY),
        worker=node("worker", HealthStatus.INFO, "idle, no worker running"),
    )

    assert headline(health) == "All 2 parts are working (1 with a note)"


def test_history_samples_at_most_every_few_seconds_and_stays_bounded() -> None:
    history = History()
    worker = ComponentHealth(
        name="worker",
        status=HealthStatus.HEALTHY,
        metadata={"jobs_due": 4, "jobs_done_total": 100},
    )
    health = detailed(worker=worker)

    assert history.record(health, 12.0, at=0.0)
    assert not history.record(health, 99.0, at=SAMPLE_SECONDS / 2)  # a second tab, same moment
    done = worker.model_copy(update={"metadata": {"jobs_due": 2, "jobs_done_total": 130}})
    assert history.record(detailed(worker=done), 8.0, at=60.0)

    assert history.latency.values == [12.0, 8.0]
    assert history.queue_depth.values == [4.0, 2.0]
    assert history.throughput.values == [30.0]  # 30 jobs in one minute
    assert describe(history.latency) == "Health checks: 8 ms now, 12 ms at most (last hour)"
    for i in range(3 * MAX_POINTS):
        history.record(health, 1.0, at=120.0 + i * SAMPLE_SECONDS)
    assert len(history.latency.points) <= MAX_POINTS


def test_history_without_queues_has_only_the_latency_line() -> None:
    history = History()
    history.record(detailed(backend=node("backend", HealthStatus.HEALTHY)), 3.0, at=0.0)

    assert [s.title for s in history.series()] == ["Health checks"]


def test_scheduled_runs_become_a_per_minute_line_and_a_restart_counts_no_negative_runs() -> None:
    history = History()

    def runs(total: int) -> DetailedHealth:
        scheduler = ComponentHealth(
            name="scheduler",
            status=HealthStatus.HEALTHY,
            metadata={"scheduled_runs_total": total},
        )
        return detailed(scheduler=scheduler)

    history.record(runs(10), 1.0, at=0.0)
    history.record(runs(16), 1.0, at=120.0)  # 6 runs in two minutes
    history.record(runs(1), 1.0, at=180.0)  # the scheduler restarted: its counter did too

    assert history.scheduled_runs.values == [3.0, 0.0]
    assert "Scheduled runs per minute" in [s.title for s in history.series()]
    assert describe(history.scheduled_runs) == (
        "Scheduled runs per minute: 0/min now, 3/min at most (last hour)"
    )
