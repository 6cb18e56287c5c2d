"""The `scheduler` component as aegis-core sees it."""

from importlib.metadata import version

from aegis_core.component import Component
from aegis_core.health.models import ComponentHealth, HealthStatus


async def health_check() -> ComponentHealth:
    return ComponentHealth(name="scheduler", status=HealthStatus.HEALTHY, message="loaded")


component = Component(
    name="scheduler",
    kind="component",
    version=version("aegis-scheduler"),
    supports_core=">=0.1,<0.2",
    description="Scheduled jobs with APScheduler 3.x.",
    requires=(),
    health_check=health_check,
)
