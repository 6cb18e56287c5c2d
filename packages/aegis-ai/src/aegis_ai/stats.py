"""What health may say about the provider without calling it: the last real call's outcome."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from aegis_ai.store import utcnow


@dataclass(frozen=True)
class LastCall:
    at: datetime
    latency_ms: float
    error: str = ""


_last: LastCall | None = None


def record(latency_ms: float, error: str = "") -> None:
    global _last
    _last = LastCall(at=utcnow(), latency_ms=round(latency_ms, 1), error=error)


def last_call() -> LastCall | None:
    return _last


def forget() -> None:
    global _last
    _last = None
