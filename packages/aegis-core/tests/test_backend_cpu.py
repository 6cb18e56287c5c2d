"""The backend card's "Process cpu" measures this process: after real work it is not 0 %."""

from __future__ import annotations

import time

from aegis_core.health.builtin import _cache


def burn_cpu(seconds: float) -> None:
    end = time.process_time() + seconds
    while time.process_time() < end:
        sum(i * i for i in range(1000))


def test_process_cpu_reflects_work_done_between_two_readings() -> None:
    _cache.get(ttl=0)  # the first reading of a server: primes the measurement
    burn_cpu(0.3)

    metadata = _cache.get(ttl=0).metadata

    assert metadata["process_cpu_percent"] > 5
