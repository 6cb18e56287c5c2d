"""aegis-worker vs raw arq: the same task, the same Redis, the same worker options, one run.

    uv run python bench/worker_bench.py [--jobs 2000] [--rounds 3] [--redis redis://…]

Each side is a real worker OS process started the way a user starts it:
- aegis: `python -m aegis_worker run load_test` (what `<slug> worker run load_test` runs);
- raw:   `arq bench_raw_settings.WorkerSettings` with `functions = [io_task]`.
Both log at INFO (their shipped default) to /dev/null, run `io_task(delay_ms=0)` with
max_jobs=10 and poll_delay=0.05 s. Rounds alternate sides; the median round is reported.

Throughput: N jobs enqueued at once, jobs/s from first enqueue to last finish.
Latency: jobs enqueued one every 10 ms (no backlog), enqueue → done p50/p99 from arq's records.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from aegis_worker.connection import connect
from aegis_worker.loadtest import enqueue_many, percentile, wait_for_results
from aegis_worker.settings import WorkerConfig
from aegis_worker.testing import wait_for_workers
from arq.connections import ArqRedis
from arq.constants import result_key_prefix

MAX_JOBS = 10
POLL_DELAY = 0.05
LATENCY_JOBS = 200
LATENCY_PACE_S = 0.01

RAW_SETTINGS = f"""
import os

from arq.connections import RedisSettings

from aegis_worker.tasks import io_task


class WorkerSettings:
    functions = [io_task]
    queue_name = os.environ["BENCH_QUEUE"]
    redis_settings = RedisSettings.from_dsn(os.environ["REDIS_URL"])
    max_jobs = {MAX_JOBS}
    poll_delay = {POLL_DELAY}
    health_check_interval = 1
"""


@dataclass(frozen=True)
class Figures:
    throughput: float
    p50_ms: float
    p99_ms: float


def start(side: str, redis_url: str, prefix: str, settings_dir: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "REDIS_URL": redis_url,
        "WORKER_QUEUE_PREFIX": prefix,
        "WORKER_MAX_JOBS": str(MAX_JOBS),
        "WORKER_POLL_DELAY": str(POLL_DELAY),
        "WORKER_HEALTH_CHECK_INTERVAL": "1",
        "BENCH_QUEUE": f"{prefix}:load_test",
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(settings_dir), os.environ.get("PYTHONPATH")])
        ),
        "AEGIS_PROJECT_PACKAGE": "bench_no_project",
    }
    if side == "aegis":
        command = [sys.executable, "-m", "aegis_worker", "run", "load_test"]
    else:
        command = [sys.executable, "-m", "arq", "bench_raw_settings.WorkerSettings"]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def measure(redis_url: str, prefix: str, jobs: int) -> Figures:
    config = WorkerConfig(REDIS_URL=redis_url, WORKER_QUEUE_PREFIX=prefix)
    await wait_for_workers(config, "load_test", timeout=60)
    queue = config.queue_name("load_test")
    pool = connect(redis_url, timeout=10.0, bounded=False)
    try:
        ids = await enqueue_many(pool, "io_task", jobs, {"delay_ms": 0}, queue)
        results = await wait_for_results(pool, ids, timeout=300)
        assert len(results) == jobs, f"only {len(results)} of {jobs} jobs finished"
        first = min(r.enqueue_time for r in results)
        last = max(r.finish_time for r in results)
        throughput = jobs / max((last - first).total_seconds(), 1e-3)
        paced: list[str] = []
        for _ in range(LATENCY_JOBS):
            paced += await enqueue_many(pool, "io_task", 1, {"delay_ms": 0}, queue)
            await asyncio.sleep(LATENCY_PACE_S)
        timed = await wait_for_results(pool, paced, timeout=120)
        latencies = sorted((r.finish_time - r.enqueue_time).total_seconds() * 1000 for r in timed)
        await cleanup(pool, prefix, ids + paced)
    finally:
        await pool.aclose()
    return Figures(throughput, percentile(latencies, 50), percentile(latencies, 99))


async def cleanup(pool: ArqRedis, prefix: str, job_ids: list[str]) -> None:
    """Leave the shared Redis as found: this run's results and queue keys (never FLUSHALL)."""
    for start in range(0, len(job_ids), 500):
        await pool.delete(*(result_key_prefix + job_id for job_id in job_ids[start : start + 500]))
    keys = [key async for key in pool.scan_iter(match=f"{prefix}*")]
    if keys:
        await pool.delete(*keys)


def run_round(side: str, redis_url: str, jobs: int, settings_dir: Path) -> Figures:
    prefix = f"bench:{side}:{uuid.uuid4().hex[:8]}"
    process = start(side, redis_url, prefix, settings_dir)
    try:
        return asyncio.run(measure(redis_url, prefix, jobs))
    finally:
        process.terminate()
        process.wait(timeout=30)


def median(figures: list[Figures]) -> Figures:
    return sorted(figures, key=lambda f: f.throughput)[len(figures) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--redis", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    args = parser.parse_args()
    results: dict[str, list[Figures]] = {"aegis": [], "raw": []}
    with tempfile.TemporaryDirectory() as settings_dir:
        (Path(settings_dir) / "bench_raw_settings.py").write_text(RAW_SETTINGS)
        started = time.monotonic()
        for _ in range(args.rounds):
            for side in ("aegis", "raw"):
                results[side].append(run_round(side, args.redis, args.jobs, Path(settings_dir)))
    aegis, raw = median(results["aegis"]), median(results["raw"])
    print(
        f"worker bench: {args.jobs} io_task(delay_ms=0) jobs x {args.rounds} rounds, "
        f"max_jobs={MAX_JOBS}, poll_delay={POLL_DELAY}s, {time.monotonic() - started:.0f}s"
    )
    print(f"{'':8}{'jobs/s':>10}{'p50 ms':>9}{'p99 ms':>9}   all rounds jobs/s")
    for side, figures in (("aegis", aegis), ("raw arq", raw)):
        rounds = ", ".join(f"{f.throughput:.0f}" for f in results[side.split()[0]])
        row = f"{figures.throughput:>10.0f}{figures.p50_ms:>9.1f}{figures.p99_ms:>9.1f}"
        print(f"{side:8}{row}   {rounds}")
    ratio = aegis.throughput / raw.throughput
    all_ratio = statistics.median(
        a.throughput / r.throughput for a, r in zip(results["aegis"], results["raw"], strict=True)
    )
    print(
        f"ratio aegis/raw: {ratio:.2f} (median of per-round ratios {all_ratio:.2f}; target >= 0.9)"
    )


if __name__ == "__main__":
    main()
