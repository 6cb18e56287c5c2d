"""Jobs finished, counted in Redis, so the dashboard can say how fast work gets done.

Per queue `<q>`, written by every worker of that queue:
- `<q>:done`: a total that only grows (`jobs_done_total` in health; the dashboard's jobs/min
  sparkline is its rate over time).
- `<q>:done:<unix minute>`: the jobs finished in that minute, kept `BUCKET_TTL_S`; the card's
  "jobs per minute" is the last 60 s estimated from this minute's and the previous one's.

A worker adds arq's own counters (completed + failed; a job retried later is not done) to Redis
once per `FLUSH_S`, never once per job: a round trip per job would cost throughput.
"""

from __future__ import annotations

import asyncio
import time
from contextlib import suppress
from typing import Any

from arq.worker import Worker

from aegis_worker.connection import REDIS_ERRORS

DONE_SUFFIX = ":done"
FLUSH_S = 1.0
BUCKET_TTL_S = 180
TOTAL_TTL_S = 7 * 86_400
"""A queue nobody served for a week starts counting from zero again (rates stay right)."""


def _bucket(key: str, at: float) -> str:
    return f"{key}{DONE_SUFFIX}:{int(at // 60)}"


class DoneTally:
    """The jobs one arq `Worker` finished that are not in Redis yet."""

    def __init__(self, worker: Worker) -> None:
        self.worker = worker
        self.flushed = 0

    def pending(self) -> int:
        return int(self.worker.jobs_complete) + int(self.worker.jobs_failed) - self.flushed

    async def flush(self, at: float | None = None) -> int:
        """Add what finished since the last flush; the count added (0: nothing to say)."""
        count = self.pending()
        if count <= 0:
            return 0
        key = self.worker.queue_name
        bucket = _bucket(key, time.time() if at is None else at)
        async with self.worker.pool.pipeline(transaction=False) as pipe:
            pipe.incrby(key + DONE_SUFFIX, count)
            pipe.expire(key + DONE_SUFFIX, TOTAL_TTL_S)
            pipe.incrby(bucket, count)
            pipe.expire(bucket, BUCKET_TTL_S)
            await pipe.execute()
        self.flushed += count
        return count


async def keep_flushing(tally: DoneTally, interval: float = FLUSH_S) -> None:
    """Until cancelled; a lost Redis is the worker loop's to notice, the count waits."""
    while True:
        with suppress(*REDIS_ERRORS):
            await tally.flush()
        await asyncio.sleep(interval)


def read_commands(pipe: Any, key: str, at: float) -> None:
    """Queue the three reads `done_counts` interprets: total, this minute, the one before."""
    pipe.get(key + DONE_SUFFIX)
    pipe.get(_bucket(key, at))
    pipe.get(_bucket(key, at - 60))


def done_counts(replies: list[Any], at: float) -> tuple[int, float]:
    """(jobs done in total, jobs per minute over the last 60 s) from `read_commands`."""
    total, this_minute, last_minute = (int(value or 0) for value in replies)
    elapsed = (at % 60) / 60
    return total, round(this_minute + last_minute * (1 - elapsed), 1)
