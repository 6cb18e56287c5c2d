from aegis_core import discover_components
from aegis_core.health.models import HealthStatus
from aegis_scheduler.component import component, dashboard_card, health_check
from aegis_scheduler.settings import SchedulerSettings
from aegis_scheduler.testing import Project


def test_discovered_through_entry_point() -> None:
    found = discover_components(frozenset({"scheduler"}))
    assert found.get("scheduler") is component
    assert component.settings is SchedulerSettings
    assert component.cli is not None and component.lifespan is not None


async def test_without_a_scheduler_process_health_is_a_warning_not_healthy(
    project: Project,
) -> None:
    health = await health_check()
    assert health.status is HealthStatus.WARNING
    assert "no heartbeat from a scheduler process" in health.message
    card = dashboard_card(health)
    assert card.title == "Scheduler" and card.rows == []  # the warning shows as the message
