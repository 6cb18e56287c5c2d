"""The `ingress` component as aegis-core sees it."""

from importlib.metadata import version

from aegis_core.component import Component
from aegis_core.health.models import ComponentHealth, HealthStatus


async def health_check() -> ComponentHealth:
    return ComponentHealth(name="ingress", status=HealthStatus.HEALTHY, message="loaded")


component = Component(
    name="ingress",
    kind="component",
    version=version("aegis-ingress"),
    supports_core=">=0.1,<0.2",
    description="Traefik ingress: routing, admin allowlist, TLS.",
    requires=(),
    health_check=health_check,
)
