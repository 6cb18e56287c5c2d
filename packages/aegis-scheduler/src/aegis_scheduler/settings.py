"""Settings of the scheduler component (merged into the project's settings by aegis-core)."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict


class SchedulerSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    SCHEDULER_TIMEZONE: str = "UTC"
    """Timezone of cron triggers: `CronTrigger(hour=9)` fires at 09:00 in this zone."""
    SCHEDULER_JOBSTORE: str = "auto"
    """`auto` (the database when aegis-database is installed, else memory), `memory`,
    `sqlite` (data/scheduler.db), `database` (DATABASE_URL) or any SQLAlchemy URL."""
    SCHEDULER_IN_PROCESS: bool = False
    """Run the scheduler inside the web process (development only: one web worker)."""
    SCHEDULER_HEARTBEAT_SECONDS: float = 10.0
    """How often the scheduler process records that it is alive, with its jobs."""
    SCHEDULER_HEARTBEAT_MAX_AGE: float = 35.0
    """Older heartbeats mean the scheduler process is down or stuck."""
    SCHEDULER_HEARTBEAT_FILE: str = "data/scheduler-heartbeat.json"
    """Where the heartbeat goes when the job store is not a database (project-relative)."""
    SCHEDULER_MISFIRE_GRACE_SECONDS: int = 60
    """A run missed by up to this many seconds (busy loop, restart) still runs, once."""
