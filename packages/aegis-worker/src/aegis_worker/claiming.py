"""An arq `Worker` that claims a batch of queued jobs in one Redis round trip.

arq claims each job with its own optimistic transaction (WATCH, EXISTS, ZSCORE, then
MULTI/PSETEX/EXEC: four round trips), one job after the other. Draining a backlog of tiny jobs
was therefore paced by round trips, not by the CPU (~200 `ping` jobs/s, bench/README.md). Here
one Lua script makes the same decision for every job a free slot is waiting for, atomically,
which is what the transaction guarantees: a job is started only when no other worker holds
its in-progress key and it is still due in the queue. Everything else (running the job,
retries, results, aborts) is arq's own code.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from arq.constants import in_progress_key_prefix
from arq.utils import timestamp_ms
from arq.worker import Worker
from redis.commands.core import AsyncScript

logger = logging.getLogger("aegis.worker")

CLAIM_SCRIPT = """
local now = tonumber(ARGV[1])
local claimed = {}
for i = 3, #ARGV do
  local score = redis.call('zscore', KEYS[1], ARGV[i])
  if score and tonumber(score) <= now and redis.call('exists', KEYS[i - 1]) == 0 then
    redis.call('psetex', KEYS[i - 1], ARGV[2], '1')
    claimed[#claimed + 1] = score
  else
    claimed[#claimed + 1] = false
  end
end
return claimed
"""
"""KEYS: the queue, then one in-progress key per job; ARGV: now (ms), the in-progress TTL (ms),
then the job ids. Returns each job's score when claimed, nil when another worker has it."""


class BatchClaimWorker(Worker):
    """arq's worker with `start_jobs` claiming up to the free slots' worth of jobs at once."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._claim_script: AsyncScript | None = None

    async def start_jobs(self, job_ids: list[bytes]) -> None:
        """Start `job_ids` in order, as slots free up; never more than `max_jobs` at once."""
        pending = [job_id.decode() for job_id in job_ids]
        while pending:
            batch = await self._reserve_slots(len(pending))
            if not batch:
                return
            chosen, pending = pending[:batch], pending[batch:]
            try:
                scores = await self._claim(chosen)
            except BaseException:  # lost Redis, cancelled: give the slots back, as arq does
                for _ in chosen:
                    self._release_sem_dec_counter_on_complete()
                raise
            for job_id, score in zip(chosen, scores, strict=True):
                if score is None:  # started elsewhere, finished, or re-enqueued for later
                    self._release_sem_dec_counter_on_complete()
                    logger.debug("job %s already running elsewhere", job_id)
                    continue
                task = self.loop.create_task(self.run_job(job_id, int(float(score))))
                task.add_done_callback(lambda _: self._release_sem_dec_counter_on_complete())
                self.tasks[job_id] = task

    async def _reserve_slots(self, wanted: int) -> int:
        """Take up to `wanted` free slots; when all are busy, wait up to one poll delay for one.

        arq returns to its poll loop as soon as every slot is busy and sleeps a poll delay, so a
        backlog of short jobs ran `max_jobs` jobs per poll delay. Waiting here for the next free
        slot keeps the batch going; the wait is bounded so the poll loop's own work (aborts,
        arq's health key) still runs at least every poll delay while long jobs hold the slots.
        """
        if self.job_counter >= self.max_jobs:
            running = [task for task in self.tasks.values() if not task.done()]
            if running:
                await asyncio.wait(
                    running, timeout=self.poll_delay_s, return_when=asyncio.FIRST_COMPLETED
                )
            await asyncio.sleep(0)  # let the finished jobs' done callbacks free their slots
        free = min(wanted, self.max_jobs - self.job_counter)
        for _ in range(max(free, 0)):
            await self.sem.acquire()  # never waits: fewer than max_jobs slots are taken
        self.job_counter += max(free, 0)
        return max(free, 0)

    async def _claim(self, job_ids: list[str]) -> list[bytes | None]:
        """One round trip: EVALSHA of the claim script (redis-py loads it again after NOSCRIPT,
        e.g. when Redis restarted)."""
        if self._claim_script is None:
            self._claim_script = self.pool.register_script(CLAIM_SCRIPT)
        keys = [self.queue_name, *(in_progress_key_prefix + job_id for job_id in job_ids)]
        ttl_ms = int(self.in_progress_timeout_s * 1000)
        result = await self._claim_script(keys=keys, args=[timestamp_ms(), ttl_ms, *job_ids])
        return [score or None for score in result]
