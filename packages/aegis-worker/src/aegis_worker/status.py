"""A snapshot of Redis and every queue in one round trip: for /health, the dashboard, the CLI.

Keys read, per queue (`<q>` is the arq queue name, e.g. `arq:queue:system`):
- `<q>` (sorted set, arq): jobs waiting or running; a score in the future means deferred.
- `<q>:health-check` (arq): set by a live worker, expires `health_check_interval + 1` s later.
- `<q>:workers` (ours): one member per live worker process, scored by when it expires. arq's
  key is one per queue, so it cannot count workers; this set can.
- `<q>:recent` (ours): the last jobs a worker finished, as JSON.
- `<q>:done` and `<q>:done:<minute>` (ours, `tally.py`): jobs finished, in total and per minute.
- `<load_test queue>:progress` (ours, `live_load.py`): the dashboard's last load test, as JSON.
- `arq:job:<id>` of the first `PEEK` waiting jobs, when the caller says which tasks each queue
  runs: a job naming a task its queue does not run (enqueued with arq's own `create_pool`, or
  with a typo) would only ever fail, so it is reported.
"""

from __future__ import annotations

import json
import time
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from arq.constants import job_key_prefix
from arq.jobs import deserialize_job

from aegis_worker.connection import REDIS_ERRORS, close, connect, redact, unavailable
from aegis_worker.settings import WorkerConfig
from aegis_worker.tally import done_counts, read_commands

HEALTH_SUFFIX = ":health-check"
WORKERS_SUFFIX = ":workers"
RECENT_SUFFIX = ":recent"
PROGRESS_SUFFIX = ":progress"
LOAD_TEST_QUEUE = "load_test"
PER_QUEUE = 8
"""Replies per queue in the snapshot's pipeline (`_queue_commands`)."""
PEEK = 20


@dataclass(frozen=True)
class RedisInfo:
    latency_ms: float
    version: str
    used_memory: str
    clients: int


@dataclass(frozen=True)
class QueueState:
    name: str
    redis_key: str
    ready: int
    """Jobs due now: waiting for a worker, or running (arq keeps them in the set until done)."""
    deferred: int
    workers: int
    health_check: dict[str, str] = field(default_factory=dict)
    """arq's own counters from `<q>:health-check` (`j_complete`, `j_failed`, …), if alive."""
    recent: list[dict[str, Any]] = field(default_factory=list)
    unknown_tasks: list[str] = field(default_factory=list)
    """Task names of waiting jobs that this queue does not run (they can only fail)."""
    done_total: int = 0
    """Jobs finished on this queue since counting began (a counter that only grows)."""
    per_minute: float = 0.0
    """Jobs finished in the last 60 s."""


@dataclass(frozen=True)
class Snapshot:
    redis: RedisInfo | None
    queues: list[QueueState]
    error: str | None = None
    """One line saying why Redis could not be read; `redis` is None then."""
    load_test: dict[str, Any] | None = None
    """The last load test started from the dashboard (running or finished), if any."""


async def take_snapshot(
    config: WorkerConfig,
    queues: Iterable[str],
    *,
    tasks: Mapping[str, Collection[str]] | None = None,
) -> Snapshot:
    """Read everything in one pipeline (two more with `tasks`, to peek at waiting jobs'
    task names); a Redis failure becomes `error`, never an exception."""
    names = list(queues)
    try:
        client = connect(config.REDIS_URL, timeout=config.WORKER_REDIS_TIMEOUT)
    except ValueError as exc:  # a malformed URL
        return Snapshot(None, [], f"invalid REDIS_URL {redact(config.REDIS_URL)!r}: {exc}")
    try:
        started = time.perf_counter()
        await client.ping()
        latency = round((time.perf_counter() - started) * 1000, 2)
        async with client.pipeline(transaction=False) as pipe:
            pipe.info("server")
            pipe.info("memory")
            pipe.info("clients")
            pipe.get(progress_key(config))
            now = time.time()
            for name in names:
                _queue_commands(pipe, config.queue_name(name), now)
            replies = await pipe.execute()
        unknown = await _unknown_tasks(client, config, tasks) if tasks else {}
    except REDIS_ERRORS as exc:
        return Snapshot(None, [], str(unavailable(config.REDIS_URL, exc)))
    finally:
        await close(client)
    server, memory, clients, progress = replies[:4]
    info = RedisInfo(
        latency_ms=latency,
        version=str(server.get("redis_version", "?")),
        used_memory=str(memory.get("used_memory_human", "?")),
        clients=int(clients.get("connected_clients", 0)),
    )
    per_queue = [replies[4 + PER_QUEUE * i : 4 + PER_QUEUE * (i + 1)] for i in range(len(names))]
    states = [
        _queue_state(n, config.queue_name(n), r, unknown.get(n, []), now)
        for n, r in zip(names, per_queue, strict=True)
    ]
    return Snapshot(info, states, load_test=_parse_object(progress))


def progress_key(config: WorkerConfig) -> str:
    return config.queue_name(LOAD_TEST_QUEUE) + PROGRESS_SUFFIX


async def _unknown_tasks(
    client: Any, config: WorkerConfig, tasks: Mapping[str, Collection[str]]
) -> dict[str, list[str]]:
    """Per queue, the task names of its first `PEEK` waiting jobs that it does not run."""
    async with client.pipeline(transaction=False) as pipe:
        for name in tasks:
            pipe.zrange(config.queue_name(name), 0, PEEK - 1)
        ids_per_queue = await pipe.execute()
    wanted = [
        (name, job_id) for name, ids in zip(tasks, ids_per_queue, strict=True) for job_id in ids
    ]
    if not wanted:
        return {}
    raw_jobs = await client.mget([job_key_prefix + _text(job_id) for _, job_id in wanted])
    unknown: dict[str, set[str]] = {}
    for (name, _), raw in zip(wanted, raw_jobs, strict=True):
        function = _function_of(raw)
        if function is not None and function not in tasks[name]:
            unknown.setdefault(name, set()).add(function)
    return {name: sorted(found) for name, found in unknown.items()}


def _function_of(raw: bytes | None) -> str | None:
    if not raw:
        return None
    try:
        return str(deserialize_job(raw).function)
    except Exception:  # not an arq job we can read: not ours to judge
        return None


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _queue_commands(pipe: Any, key: str, now: float) -> None:
    now_ms = now * 1000
    pipe.zcount(key, "-inf", now_ms)
    pipe.zcard(key)
    pipe.get(key + HEALTH_SUFFIX)
    pipe.zcount(key + WORKERS_SUFFIX, now_ms, "+inf")
    pipe.get(key + RECENT_SUFFIX)
    read_commands(pipe, key, now)


def _queue_state(
    name: str, key: str, replies: list[Any], unknown: list[str], now: float
) -> QueueState:
    ready, total, health_raw, heartbeats, recent_raw = replies[:5]
    done_total, per_minute = done_counts(replies[5:], now)
    health = parse_health_check(health_raw)
    # A plain `arq` worker on the same queue writes only the health key: count it as one.
    workers = max(int(heartbeats), 1 if health else 0)
    return QueueState(
        name=name,
        redis_key=key,
        ready=int(ready),
        deferred=int(total) - int(ready),
        workers=workers,
        health_check=health,
        recent=_parse_recent(recent_raw),
        unknown_tasks=unknown,
        done_total=done_total,
        per_minute=per_minute,
    )


def parse_health_check(raw: bytes | str | None) -> dict[str, str]:
    """`Nov-23 10:00:00 j_complete=3 j_failed=0 …` → {"j_complete": "3", …}; {} when absent."""
    if not raw:
        return {}
    text = raw.decode() if isinstance(raw, bytes) else raw
    pairs = (part.split("=", 1) for part in text.split() if "=" in part)
    return {key: value for key, value in pairs} or {"raw": text}


def _parse_recent(raw: bytes | str | None) -> list[dict[str, Any]]:
    if not raw:
        return []
    try:
        entries = json.loads(raw)
    except ValueError:
        return []
    return [e for e in entries if isinstance(e, dict)] if isinstance(entries, list) else []


def _parse_object(raw: bytes | str | None) -> dict[str, Any] | None:
    if not raw:
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
