from aegis_ai.component import component, health_check
from aegis_core.discovery import discover_components
from aegis_core.health.models import HealthStatus


def test_discovered_through_entry_point() -> None:
    found = discover_components(frozenset({"ai", *component.requires}))
    assert found.get("ai") is component


async def test_reports_healthy() -> None:
    assert (await health_check()).status is HealthStatus.HEALTHY
