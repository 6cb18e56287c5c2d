"""The `database` component as aegis-core sees it."""

from importlib.metadata import version

from aegis_core.component import Component
from aegis_core.health.models import ComponentHealth, HealthStatus


async def health_check() -> ComponentHealth:
    return ComponentHealth(name="database", status=HealthStatus.HEALTHY, message="loaded")


component = Component(
    name="database",
    kind="component",
    version=version("aegis-database"),
    supports_core=">=0.1,<0.2",
    description="SQLModel persistence: SQLite by default, PostgreSQL by DATABASE_URL.",
    requires=(),
    health_check=health_check,
)
