"""The `ai` service as aegis-core sees it."""

from importlib.metadata import version

from aegis_core.component import Component
from aegis_core.health.models import ComponentHealth, HealthStatus


async def health_check() -> ComponentHealth:
    return ComponentHealth(name="ai", status=HealthStatus.HEALTHY, message="loaded")


component = Component(
    name="ai",
    kind="service",
    version=version("aegis-ai"),
    supports_core=">=0.1,<0.2",
    description="AI chat with PydanticAI.",
    requires=(),
    health_check=health_check,
)
