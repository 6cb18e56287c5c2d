"""The worker's health and dashboard card, both built from one `status.Snapshot`.

Rules: Redis down → unhealthy. A queue with jobs due and no live worker → unhealthy (work is
piling up). An idle queue with no worker → info (nothing is wrong yet, but nothing would run).
"""

from __future__ import annotations

from typing import Any

from aegis_core.component import DashboardCard
from aegis_core.health.models import ComponentHealth, HealthStatus

from aegis_worker.connection import redact
from aegis_worker.live_load import describe as describe_load_test
from aegis_worker.registry import QueueConfigError, load_queues
from aegis_worker.settings import WorkerConfig, get_settings
from aegis_worker.status import QueueState, Snapshot, take_snapshot

RECENT_ON_CARD = 3


async def worker_health(config: WorkerConfig | None = None) -> ComponentHealth:
    """Bounded by `WORKER_REDIS_TIMEOUT` per Redis call, so it answers while Redis is down."""
    config = config or get_settings()
    try:
        queues = load_queues()
    except QueueConfigError as exc:
        return ComponentHealth(name="worker", status=HealthStatus.UNHEALTHY, message=str(exc))
    tasks = {name: set(spec.functions) for name, spec in queues.items()}
    snapshot = await take_snapshot(config, queues, tasks=tasks)
    return health_from_snapshot(snapshot, config, list(queues))


def health_from_snapshot(
    snapshot: Snapshot, config: WorkerConfig, queue_names: list[str]
) -> ComponentHealth:
    url = redact(config.REDIS_URL)
    if snapshot.redis is None:
        down = f"state unknown: {snapshot.error}"
        subs = {"redis": _node("redis", HealthStatus.UNHEALTHY, snapshot.error or "unreachable")}
        subs |= {q: _node(q, HealthStatus.UNHEALTHY, down) for q in queue_names}
        return ComponentHealth(
            name="worker",
            status=HealthStatus.UNHEALTHY,
            message=snapshot.error or "Redis unreachable",
            metadata={"redis_url": url},
            sub_components=subs,
        )
    redis = snapshot.redis
    redis_node = _node(
        "redis",
        HealthStatus.HEALTHY,
        f"Redis {redis.version}, {redis.latency_ms:g} ms, {redis.used_memory} used",
    ).model_copy(update={"response_time_ms": redis.latency_ms, "metadata": vars(redis).copy()})
    queue_nodes = {q.name: _queue_health(q) for q in snapshot.queues}
    waiting = sum(q.ready for q in snapshot.queues)
    workers = sum(q.workers for q in snapshot.queues)
    metadata: dict[str, Any] = {
        "redis_url": url,
        "jobs_due": waiting,
        "workers": workers,
        "jobs_per_minute": round(sum(q.per_minute for q in snapshot.queues), 1),
    }
    if snapshot.load_test is not None:
        metadata["load_test"] = snapshot.load_test
    return ComponentHealth(
        name="worker",
        status=HealthStatus.HEALTHY,
        message=f"{len(queue_nodes)} queues, {waiting} jobs due, {workers} workers alive",
        metadata=metadata,
        sub_components={"redis": redis_node, **queue_nodes},
    )


def _queue_health(queue: QueueState) -> ComponentHealth:
    counts = f"{queue.ready} due, {queue.deferred} deferred, {queue.workers} workers"
    if queue.unknown_tasks:
        status = HealthStatus.UNHEALTHY
        message = (
            f"jobs wait for {', '.join(map(repr, queue.unknown_tasks))}, which this queue does "
            f"not run: they can only fail (register the task for queue {queue.name!r})"
        )
    elif queue.workers:
        status, message = HealthStatus.HEALTHY, counts
    elif queue.ready:
        status = HealthStatus.UNHEALTHY
        message = f"{queue.ready} jobs due and no live worker (run: worker run {queue.name})"
    else:
        status, message = HealthStatus.INFO, f"idle, no worker running ({counts})"
    metadata = {
        "redis_key": queue.redis_key,
        "ready": queue.ready,
        "deferred": queue.deferred,
        "workers": queue.workers,
        "arq": queue.health_check,
        "recent_jobs": queue.recent,
        "unknown_tasks": queue.unknown_tasks,
        "jobs_done_total": queue.done_total,  # summed into the dashboard's jobs/min history
        "jobs_per_minute": queue.per_minute,
    }
    return _node(queue.name, status, message).model_copy(update={"metadata": metadata})


def _node(name: str, status: HealthStatus, message: str) -> ComponentHealth:
    return ComponentHealth(name=name, status=status, message=message)


def dashboard_card(health: ComponentHealth) -> DashboardCard:
    """A glance (aegis-core shows status and message above, and at most six rows): Redis,
    the last jobs finished, jobs per minute, the dashboard's load test, then each queue."""
    redis = health.sub_components.get("redis")
    queues = [node for name, node in health.sub_components.items() if name != "redis"]
    rows = [("Redis", _redis_row(redis)), ("Recent jobs", _recent_row(queues))]
    if "jobs_per_minute" in health.metadata:
        rows.append(("Jobs per minute", f"{health.metadata['jobs_per_minute']:g}"))
    load_test = health.metadata.get("load_test")
    if isinstance(load_test, dict):
        rows.append(describe_load_test(load_test))
    rows += [(node.name, _queue_row(node)) for node in queues]
    return DashboardCard(title="Worker", rows=rows)


def _redis_row(node: ComponentHealth | None) -> str:
    if node is None or node.status is HealthStatus.UNHEALTHY:
        return "unreachable"
    meta = node.metadata
    return f"{meta.get('version')}, {meta.get('latency_ms')} ms, {meta.get('used_memory')} used"


def _queue_row(node: ComponentHealth) -> str:
    meta = node.metadata
    if "workers" not in meta:
        return "unknown"
    workers = int(meta["workers"])
    alive = f"{workers} worker{'s' if workers != 1 else ''}" if workers else "no worker"
    return f"{meta['ready']} due, {alive}"


def _recent_row(queues: list[ComponentHealth]) -> str:
    jobs = [job for node in queues for job in node.metadata.get("recent_jobs", [])]
    jobs.sort(key=lambda job: str(job.get("finished", "")), reverse=True)
    if not jobs:
        return "none yet"
    return ", ".join(_job_words(job) for job in jobs[:RECENT_ON_CARD])


def _job_words(job: dict[str, Any]) -> str:
    """`ping ok`; a failure names its job id, which "Retry failed job" asks for."""
    if job.get("success"):
        return f"{job.get('function')} ok"
    return f"{job.get('function')} failed (job {job.get('job_id')})"
