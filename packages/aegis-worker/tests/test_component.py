from aegis_core.discovery import discover_components
from aegis_core.health.models import HealthStatus
from aegis_worker.component import component, health_check


def test_discovered_through_entry_point() -> None:
    found = discover_components(frozenset({"worker", *component.requires}))
    assert found.get("worker") is component


async def test_reports_healthy() -> None:
    assert (await health_check()).status is HealthStatus.HEALTHY
