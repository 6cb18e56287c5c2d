"""Worker settings: `REDIS_URL` plus `WORKER_*` names, from the environment and `.env`.

Named `WorkerConfig` (not `WorkerSettings`) because arq already gives `WorkerSettings` a
meaning: the class in a queue module that lists `functions` and `cron_jobs`.
"""

from __future__ import annotations

from aegis_core.settings import cached_settings
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
DEFAULT_QUEUE = "system"
"""The queue behind arq's default queue name: where code that names no queue enqueues."""


class WorkerConfig(BaseSettings):
    """Merged into the project's settings by aegis-core; read on its own by worker processes."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    REDIS_URL: str = DEFAULT_REDIS_URL
    WORKER_QUEUE_PREFIX: str = "arq:queue"
    """Queue `system` is the Redis sorted set `<prefix>` itself (arq's default queue, so a
    plain `arq.create_pool(...).enqueue_job(...)` reaches it); queue `emails` is
    `<prefix>:emails`."""
    WORKER_MAX_JOBS: int = Field(default=10, ge=1)
    """Jobs one worker process runs at the same time, per queue."""
    WORKER_JOB_TIMEOUT: float = Field(default=300.0, gt=0)
    """Seconds a job may run. A killed worker's jobs are retried this + 10 s later (arq)."""
    WORKER_KEEP_RESULT: float = Field(default=3600.0, ge=0)
    """Seconds a job's result stays readable (`GET /api/worker/jobs/{id}/result`)."""
    WORKER_MAX_TRIES: int = Field(default=5, ge=1)
    WORKER_POLL_DELAY: float = Field(default=0.5, ge=0, le=60)
    """Seconds between two looks at an empty queue: lower is snappier, higher is cheaper.
    A backlog is not paced by it: the next job starts as soon as a slot frees (claiming.py)."""
    WORKER_QUEUE_READ_LIMIT: int = Field(default=1000, ge=1, le=100_000)
    """Job ids read from Redis per look. arq's default (5 x max jobs) read 50 ids per look,
    so a backlog drained at 50 ids per poll delay (~100-200 jobs/s); a bigger batch lets
    the worker go as fast as its CPU and Redis allow."""
    WORKER_HEALTH_CHECK_INTERVAL: float = Field(default=10.0, gt=0)
    """How often a worker says it is alive; it counts as dead this + 1 s after its last word."""
    WORKER_REDIS_TIMEOUT: float = Field(default=1.0, gt=0)
    """Socket timeout for health checks and the API, so /health answers while Redis is down."""
    WORKER_RECONNECT_TIMEOUT: float = Field(default=300.0, ge=0)
    """Seconds a running worker keeps trying to get Redis back before it exits non-zero."""
    WORKER_LOG_LEVEL: str = "INFO"

    def queue_name(self, queue: str) -> str:
        """The arq queue (Redis sorted set) behind one of our queue names."""
        if queue == DEFAULT_QUEUE:
            return self.WORKER_QUEUE_PREFIX
        return f"{self.WORKER_QUEUE_PREFIX}:{queue}"


Settings = WorkerConfig
"""Alias, so `aegis_worker.settings.Settings` reads like the other components'."""

get_settings = cached_settings(WorkerConfig)
"""The worker settings, read once per process (the API and health checks read them often)."""
