"""aegis-scheduler: Scheduled jobs with APScheduler 3.x."""

from aegis_scheduler.component import component

__all__ = ["component"]
