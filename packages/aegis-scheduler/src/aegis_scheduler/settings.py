"""Settings of the scheduler component (merged into the project's settings by aegis-core)."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from aegis_core.settings import cached_settings
from pydantic import Field, field_validator
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
    SCHEDULER_LEADER_TTL_SECONDS: float = Field(default=10.0, ge=2, le=300)
    """With a SQL job store, replicas elect one leader through a lease of this many seconds:
    a standby takes over at most this long (plus a third) after the leader dies."""
    SCHEDULER_MISFIRE_GRACE_SECONDS: int = 60
    """A run missed by up to this many seconds (busy loop, restart) still runs, once."""

    @field_validator("SCHEDULER_TIMEZONE")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        """Checked with the other settings, so an unknown zone is a one-line settings error
        at startup (not a zoneinfo traceback when the first trigger is built)."""
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                "unknown time zone; use an IANA name such as UTC or Europe/Paris"
            ) from None
        return value


get_settings = cached_settings(SchedulerSettings)
"""The scheduler settings, read once per process (each health check reads them)."""
