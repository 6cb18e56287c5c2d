from aegis_core.discovery import discover_components
from aegis_core.health.models import HealthStatus
from aegis_ingress.component import component, health_check


def test_discovered_through_entry_point() -> None:
    found = discover_components(frozenset({"ingress", *component.requires}))
    assert found.get("ingress") is component


async def test_reports_healthy() -> None:
    assert (await health_check()).status is HealthStatus.HEALTHY
