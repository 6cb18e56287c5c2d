"""A snapshot of Redis and every queue in one round trip: for /health, the dashboard, the CLI.

Keys read, per queue (`<q>` is the arq queue name, e.g. `arq:queue:system`):
- `<q>` (sorted set, arq): jobs waiting or running; a score in the future means deferred.
- `<q>:health-check` (arq): set by a live worker, expires `health_check_interval + 1` s later.
- `<q>:workers` (ours): one member per live worker process, scored by when it expires. arq's
  key is one per queue, so it cannot count workers; this set can.
- `<q>:recent` (ours): the last jobs a worker finished, as JSON.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from aegis_worker.connection import REDIS_ERRORS, close, connect, redact, unavailable
from aegis_worker.settings import WorkerConfig

HEALTH_SUFFIX = ":health-check"
WORKERS_SUFFIX = ":workers"
RECENT_SUFFIX = ":recent"


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


@dataclass(frozen=True)
class Snapshot:
    redis: RedisInfo | None
    queues: list[QueueState]
    error: str | None = None
    """One line saying why Redis could not be read; `redis` is None then."""


async def take_snapshot(config: WorkerConfig, queues: Iterable[str]) -> Snapshot:
    """Read everything in one pipeline; a Redis failure becomes `error`, never an exception."""
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
            for name in names:
                _queue_commands(pipe, config.queue_name(name))
            replies = await pipe.execute()
    except REDIS_ERRORS as exc:
        return Snapshot(None, [], str(unavailable(config.REDIS_URL, exc)))
    finally:
        await close(client)
    server, memory, clients = replies[:3]
    info = RedisInfo(
        latency_ms=latency,
        version=str(server.get("redis_version", "?")),
        used_memory=str(memory.get("used_memory_human", "?")),
        clients=int(clients.get("connected_clients", 0)),
    )
    per_queue = [replies[3 + 5 * i : 8 + 5 * i] for i in range(len(names))]
    states = [
        _queue_state(n, config.queue_name(n), r) for n, r in zip(names, per_queue, strict=True)
    ]
    return Snapshot(info, states)


def _queue_commands(pipe: Any, key: str) -> None:
    now_ms = time.time() * 1000
    pipe.zcount(key, "-inf", now_ms)
    pipe.zcard(key)
    pipe.get(key + HEALTH_SUFFIX)
    pipe.zcount(key + WORKERS_SUFFIX, now_ms, "+inf")
    pipe.get(key + RECENT_SUFFIX)


def _queue_state(name: str, key: str, replies: list[Any]) -> QueueState:
    ready, total, health_raw, heartbeats, recent_raw = replies
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
