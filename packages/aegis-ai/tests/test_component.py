"""What users see of the ai service in /health, `<slug> components` and the dashboard card."""

from pathlib import Path

from aegis_ai.component import component
from aegis_core import discover_components
from aegis_core.health.models import HealthStatus
from aegis_core.testing import dashboard_view, user_view


def test_discovered_through_entry_point() -> None:
    found = discover_components(frozenset({"ai"}))
    assert found.get("ai") is component


def test_offline_is_info_and_says_answers_are_not_an_ai(tmp_path: Path) -> None:
    view = user_view("ai", project_dir=tmp_path)

    assert view.health.status is HealthStatus.INFO
    assert "offline test model" in view.health.message
    assert view.listing["status"] != "not built"
    assert view.http_status == 200, "offline is a working setup, not an outage"
    card = dashboard_view(view.health, component)
    assert ("Provider", "offline") in card.rows and ("Conversations", "0") in card.rows
    assert ("Usage today", "0 tokens") in card.rows
