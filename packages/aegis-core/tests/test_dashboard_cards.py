"""Dashboard cards: what a card says (content) and that the Flet controls carry it."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime

import flet as ft
import pytest
from aegis_core import Component, ComponentHealth, CoreSettings, DashboardCard, HealthStatus
from aegis_core.dashboard.cards import (
    MAX_ROWS,
    STATUS_COLORS,
    card_content,
    card_control,
    default_card,
    format_value,
    split_unit,
)
from aegis_core.dashboard.page import DashboardView
from aegis_core.discovery import DiscoveredComponents
from aegis_core.health.models import DetailedHealth
from aegis_core.runtime import AegisRuntime


def texts(control: object) -> Iterator[str]:
    """Every Text value in a control tree, depth first."""
    if isinstance(control, ft.Text):
        yield control.value
    for child in [getattr(control, "content", None), *getattr(control, "controls", [])]:
        if child is not None:
            yield from texts(child)


BACKEND = ComponentHealth(
    name="backend",
    status=HealthStatus.HEALTHY,
    message="FastAPI is serving",
    version="0.1.0",
    metadata={
        "pid": 4242,
        "process_rss_mb": 61.25,
        "system_memory_percent": 41.0,
        "requests": 1234567,
        "offline": True,
        "queues": {"a": 1},
        "unset": None,
    },
    sub_components={"disk": ComponentHealth(name="disk", status=HealthStatus.WARNING)},
)


def component(**parts: object) -> Component:
    return Component(**parts)  # type: ignore[arg-type]


def test_default_card_shows_readable_metadata_and_skips_noise() -> None:
    card = default_card(BACKEND)

    assert card.title == "Backend"
    assert list(card.rows) == [
        ("Process rss", "61.2 MB"),
        ("System memory", "41%"),
        ("Requests", "1,234,567"),
        ("Offline", "yes"),
        ("disk", "warning"),
    ]


def test_default_card_is_bounded() -> None:
    many = ComponentHealth(
        name="big", status=HealthStatus.INFO, metadata={f"k{i}": i for i in range(30)}
    )

    assert len(default_card(many).rows) == MAX_ROWS


@pytest.mark.parametrize(
    ("value", "text"),
    [(3, "3"), (2.0, "2"), (0.349, "0.3"), (12345.67, "12,345.7"), (False, "no"), ("x" * 80, None)],
)
def test_format_value(value: object, text: str | None) -> None:
    formatted = format_value(value)
    if text is None:
        assert len(formatted) == 60 and formatted.endswith("…")
    else:
        assert formatted == text


def test_split_unit() -> None:
    assert split_unit("disk_free_gb") == ("Disk free", " GB")
    assert split_unit("latency_ms") == ("Latency", " ms")
    assert split_unit("percent") == ("Percent", "")
    assert split_unit("queue-depth") == ("Queue depth", "")


def test_component_card_is_used_when_provided() -> None:
    def card(health: ComponentHealth) -> DashboardCard:
        return DashboardCard(title="Demo Jobs", rows=[("Queued", str(health.metadata["n"]))])

    health = ComponentHealth(
        name="demo", status=HealthStatus.WARNING, message="slow", metadata={"n": 7}
    )

    content = card_content(health, component(dashboard_card=card))

    assert (content.title, content.status, content.message) == ("Demo Jobs", "warning", "slow")
    assert content.rows == (("Queued", "7"),)


def test_failing_component_card_falls_back_to_the_default(caplog: pytest.LogCaptureFixture) -> None:
    def card(health: ComponentHealth) -> DashboardCard:
        raise KeyError("queue_depth")

    with caplog.at_level(logging.ERROR, logger="aegis.dashboard"):
        content = card_content(BACKEND, component(dashboard_card=card))

    assert content.title == "Backend"
    assert "dashboard card of backend failed" in caplog.text


def test_card_control_carries_title_status_message_and_rows() -> None:
    content = card_content(BACKEND, None)

    control = card_control(content)

    shown = list(texts(control))
    assert shown[:4] == ["Backend", "v0.1.0", "HEALTHY", "FastAPI is serving"]
    assert "Memory" in shown and "61.2 MB used by this process" in shown
    assert "Machine memory" in shown and "41 % in use" in shown
    assert control.key == "backend"


def relative_luminance(hex_color: str) -> float:
    channels = [int(hex_color.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize("status", list(HealthStatus))
def test_white_badge_text_has_at_least_aa_contrast(status: HealthStatus) -> None:
    background = relative_luminance(STATUS_COLORS[status])

    assert (1.0 + 0.05) / (background + 0.05) >= 4.5


def test_each_status_has_its_own_colour() -> None:
    assert set(STATUS_COLORS) == set(HealthStatus)
    assert len(set(STATUS_COLORS.values())) == len(HealthStatus)


def test_view_names_the_problems_puts_the_worst_first_and_keeps_stale_cards() -> None:
    runtime = AegisRuntime(CoreSettings(APP_NAME="view-app"), DiscoveredComponents((), ()))
    redis = ComponentHealth(name="redis", status=HealthStatus.UNHEALTHY, message="down")
    health = DetailedHealth(
        status=HealthStatus.UNHEALTHY,
        healthy=False,
        app_name="view-app",
        aegis_core_version="0.1.0",
        components={"backend": BACKEND},
        services={"redis": redis},
        timestamp=datetime.now(UTC),
    )
    view = DashboardView(runtime)

    view.show(health)
    shown = list(texts(view.root()))
    view.show_error("Refresh failed: boom")

    assert shown[:2] == ["view-app", "UNHEALTHY"]
    assert shown[2] == "2 problems: Redis (down), Backend (disk)"
    assert shown[3].startswith("Updated ") and "aegis-core 0.1.0" in shown[3]
    titles = [t for t in shown if t in ("Backend", "Redis")]
    assert titles == ["Redis", "Backend"]  # the worst card first
    assert view.error.visible and view.error.value == "Refresh failed: boom"
    assert "Backend" in texts(view.root())  # the last good cards stay on screen
