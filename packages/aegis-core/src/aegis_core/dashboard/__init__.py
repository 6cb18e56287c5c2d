"""The Flet dashboard, mounted at `/dashboard` and fully offline."""

from aegis_core.dashboard.mount import dashboard_lifespan, mount_dashboard

__all__ = ["dashboard_lifespan", "mount_dashboard"]
