"""The `worker` component as aegis-core sees it."""

from importlib.metadata import version

from aegis_core.component import Component
from aegis_core.health.models import ComponentHealth, HealthStatus


async def health_check() -> ComponentHealth:
    return ComponentHealth(name="worker", status=HealthStatus.HEALTHY, message="loaded")


component = Component(
    name="worker",
    kind="component",
    version=version("aegis-worker"),
    supports_core=">=0.1,<0.2",
    description="Background jobs with arq on Redis.",
    requires=(),
    health_check=health_check,
)
