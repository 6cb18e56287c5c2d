from aegis_core.discovery import discover_components
from aegis_core.health.models import HealthStatus
from aegis_scheduler.component import component, health_check


def test_discovered_through_entry_point() -> None:
    found = discover_components(frozenset({"scheduler", *component.requires}))
    assert found.get("scheduler") is component


async def test_reports_healthy() -> None:
    assert (await health_check()).status is HealthStatus.HEALTHY
