"""The last hour of the app, kept in the server's memory (drawn by `sparklines.py`).

Recorded by the server itself (`sampler.py`, from the app's lifespan) and by the dashboard's
refreshes, at most one sample per `SAMPLE_SECONDS` (ten open tabs do not record ten times),
bounded to `WINDOW_SECONDS`: at most 720 points per series, a few kilobytes in all.

Series: how long the health checks take (always), and from components that report them in
their health metadata, jobs waiting (`jobs_due`, summed), jobs finished per minute (the rate
of `jobs_done_total`, a counter that only grows) and scheduled runs per minute (the rate of
`scheduled_runs_total`).

Flet-free: `Sessions` holds one, and importing Flet is deferred to the first page view.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field

from aegis_core.health.models import ComponentHealth, DetailedHealth

WINDOW_SECONDS = 3600.0
SAMPLE_SECONDS = 5.0
MAX_POINTS = int(WINDOW_SECONDS / SAMPLE_SECONDS)
QUEUE_DEPTH_KEY = "jobs_due"
JOBS_DONE_KEY = "jobs_done_total"
SCHEDULED_RUNS_KEY = "scheduled_runs_total"


@dataclass
class Series:
    """One measured quantity: (monotonic time, value) points, oldest first, bounded."""

    title: str
    unit: str
    points: deque[tuple[float, float]] = field(default_factory=lambda: deque(maxlen=MAX_POINTS))

    def add(self, at: float, value: float) -> None:
        self.points.append((at, value))
        while self.points and at - self.points[0][0] > WINDOW_SECONDS:
            self.points.popleft()

    @property
    def values(self) -> list[float]:
        return [v for _, v in self.points]


class History:
    """The app's recent history, shared by every dashboard session of one server."""

    def __init__(self) -> None:
        self._now = time.monotonic
        self.latency = Series("Health checks", "ms")
        self.queue_depth = Series("Jobs waiting", "")
        self.throughput = Series("Jobs per minute", "/min")
        self.scheduled_runs = Series("Scheduled runs per minute", "/min")
        self._last_sample = float("-inf")
        self._rates = {
            JOBS_DONE_KEY: _Rate(self.throughput),
            SCHEDULED_RUNS_KEY: _Rate(self.scheduled_runs),
        }

    def due(self, at: float | None = None) -> bool:
        """Whether a sample taken now would be kept: the sampler skips a health run that a
        session's refresh has just done."""
        now = self._now() if at is None else at
        return now - self._last_sample >= SAMPLE_SECONDS

    def record(self, health: DetailedHealth, elapsed_ms: float, at: float | None = None) -> bool:
        """Add one sample unless one was taken less than `SAMPLE_SECONDS` ago."""
        now = self._now() if at is None else at
        if not self.due(now):
            return False
        self._last_sample = now
        self.latency.add(now, round(elapsed_ms, 1))
        everything = [*health.components.values(), *health.services.values()]
        depth = _sum_metadata(everything, QUEUE_DEPTH_KEY)
        if depth is not None:
            self.queue_depth.add(now, depth)
        for key, rate in self._rates.items():
            total = _sum_metadata(everything, key)
            if total is not None:
                rate.count(now, total)
        return True

    def series(self) -> list[Series]:
        """The series that have points, in a fixed order."""
        every = (self.latency, self.queue_depth, self.throughput, self.scheduled_runs)
        return [s for s in every if s.points]


@dataclass
class _Rate:
    """Turns a counter that only grows (a restart may reset it) into a per-minute series."""

    series: Series
    last: tuple[float, float] | None = None

    def count(self, now: float, total: float) -> None:
        if self.last is not None and now > self.last[0]:
            per_minute = max(total - self.last[1], 0) * 60 / (now - self.last[0])
            self.series.add(now, round(per_minute, 1))
        self.last = (now, total)


def _sum_metadata(items: Iterable[ComponentHealth], key: str) -> float | None:
    """`key` summed over the tree; None when no node reports it (no sparkline then)."""
    found: list[float] = []
    pending = list(items)
    while pending:
        node = pending.pop()
        value = node.metadata.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            found.append(float(value))
        pending.extend(node.sub_components.values())
    return sum(found) if found else None


def describe(series: Series) -> str:
    """`Health checks: 12 ms now, 40 ms at most (last hour)`: what the line shows, in words."""
    values = series.values
    unit = f" {series.unit}" if series.unit and not series.unit.startswith("/") else series.unit
    return f"{series.title}: {values[-1]:g}{unit} now, {max(values):g}{unit} at most (last hour)"
