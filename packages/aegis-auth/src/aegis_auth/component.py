"""The `auth` service as aegis-core sees it."""

from importlib.metadata import version

from aegis_core.component import Component
from aegis_core.health.models import ComponentHealth, HealthStatus


async def health_check() -> ComponentHealth:
    return ComponentHealth(name="auth", status=HealthStatus.HEALTHY, message="loaded")


component = Component(
    name="auth",
    kind="service",
    version=version("aegis-auth"),
    supports_core=">=0.1,<0.2",
    description="Users, JWT and password hashing.",
    requires=("database",),
    health_check=health_check,
)
