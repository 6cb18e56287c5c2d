"""One dashboard card per component: what it says (plain data) and how it looks (Flet).

A component may describe its own card through `Component.dashboard_card(health)`; everything
else gets a default card built from the health's message, metadata and sub-components. The
content step is kept free of Flet so it can be tested (and reused) without a UI session.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import flet as ft

from aegis_core.component import Component, DashboardCard
from aegis_core.dashboard.builtin_cards import BUILTIN_CARDS
from aegis_core.dashboard.humanize import MASK, is_secret, label, masked, readable
from aegis_core.health.models import ComponentHealth, HealthStatus

logger = logging.getLogger("aegis.dashboard")

MAX_ROWS = 6
"""A card is a glance, not a report: `/health/detailed` has everything."""
MAX_VALUE_CHARS = 60

NOISY_KEYS = frozenset({"pid", "problem", "traceback", "timestamp"})
"""Metadata that means nothing at a glance (the problem kind is already in the message)."""

UNIT_SUFFIXES = {
    "_percent": "%",
    "_ms": " ms",
    "_mb": " MB",
    "_gb": " GB",
    "_seconds": " s",
}

STATUS_COLORS: Mapping[HealthStatus, str] = {
    HealthStatus.HEALTHY: "#2E7D32",
    HealthStatus.INFO: "#1565C0",
    HealthStatus.WARNING: "#9A5B00",
    HealthStatus.UNHEALTHY: "#C62828",
}
"""Badge backgrounds under white text and card borders: each at least 5:1 against white
(WCAG AA asks 4.5:1; the amber of Material's palette gave 2:1)."""


@dataclass(frozen=True)
class CardContent:
    """Everything one card shows, decided before any Flet control is built."""

    name: str
    title: str
    status: HealthStatus
    message: str
    rows: tuple[tuple[str, str], ...]
    version: str | None = None
    details: str = ""
    """The raw health (secrets masked) as indented JSON, for the details view."""


# --- content -------------------------------------------------------------------------------


def card_content(health: ComponentHealth, component: Component | None) -> CardContent:
    """The component's own card when it provides one, else the default; never raises.

    A component's card builder is third-party code running inside our UI loop: if it fails,
    the default card is shown and the failure logged, so one bad plugin never blanks the page.
    """
    card = _component_card(health, component) or _builtin_card(health, component)
    message = readable(health.message)
    return CardContent(
        name=health.name,
        title=card.title or health.name,
        status=health.status,
        message=message,
        rows=tuple(_readable_rows(card.rows, message))[:MAX_ROWS],
        version=health.version,
        details=json.dumps(masked(health.model_dump(mode="json")), indent=2),
    )


def _readable_rows(rows: Iterable[tuple[str, str]], message: str) -> Iterable[tuple[str, str]]:
    """Every row in plain words; secrets masked; a row that only repeats the message (the
    card shows it above the rows) is dropped."""
    for key, value in rows:
        text = MASK if is_secret(str(key)) else readable(str(value))
        if message and message in text:
            continue
        yield label(str(key)), _clip(text)


def _builtin_card(health: ComponentHealth, component: Component | None) -> DashboardCard:
    builder = BUILTIN_CARDS.get(health.name) if component is None else None
    return builder(health) if builder is not None else default_card(health)


def _component_card(health: ComponentHealth, component: Component | None) -> DashboardCard | None:
    if component is None or component.dashboard_card is None:
        return None
    try:
        card = component.dashboard_card(health)
    except Exception:
        logger.exception("dashboard card of %s failed; showing the default card", health.name)
        return None
    if not isinstance(card, DashboardCard):
        logger.warning("dashboard card of %s is not a DashboardCard; ignored", health.name)
        return None
    return card


def default_card(health: ComponentHealth) -> DashboardCard:
    """Readable metadata, then the sub-components' statuses (every card shows the version)."""
    rows: list[tuple[str, str]] = list(metadata_rows(health.metadata))
    rows.extend(
        (sub.name, f"{sub.status}: {sub.message}" if sub.message else str(sub.status))
        for sub in health.sub_components.values()
    )
    return DashboardCard(title=health.name.replace("_", " ").title(), rows=rows[:MAX_ROWS])


def metadata_rows(metadata: Mapping[str, object]) -> Iterable[tuple[str, str]]:
    """Scalar metadata as (label, value) rows; nested structures and noise are skipped."""
    for key, value in metadata.items():
        if key in NOISY_KEYS or value is None or isinstance(value, dict | list | tuple | set):
            continue
        label, unit = split_unit(key)
        yield label, format_value(value) + unit


def split_unit(key: str) -> tuple[str, str]:
    """`process_rss_mb` → (`Process rss`, ` MB`): the unit moves from the name to the value."""
    for suffix, unit in UNIT_SUFFIXES.items():
        if key.endswith(suffix) and len(key) > len(suffix):
            return _label(key.removesuffix(suffix)), unit
    return _label(key), ""


def _label(key: str) -> str:
    words = key.replace("-", "_").split("_")
    return " ".join(w for w in words if w).capitalize()


def format_value(value: object) -> str:
    """Numbers readable at a glance: thousands separators, at most one decimal."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.1f}"
    return _clip(str(value))


def _clip(text: str) -> str:
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"


# --- Flet controls -------------------------------------------------------------------------

ShowDetails = Callable[["CardContent"], None]


def status_badge(status: HealthStatus, size: int = 12) -> ft.Control:
    """The coloured status pill used on cards and in the header."""
    return ft.Container(
        content=ft.Text(str(status).upper(), size=size, weight=ft.FontWeight.BOLD, color="white"),
        bgcolor=STATUS_COLORS[status],
        padding=ft.Padding.symmetric(horizontal=10, vertical=4),
        border_radius=12,
    )


def card_control(
    content: CardContent,
    on_details: ShowDetails | None = None,
    buttons: Sequence[ft.Control] = (),
) -> ft.Control:
    """A card whose border shows its state: title and status on top, the message, the rows,
    then a way to the raw data (the page's selection area makes all of it selectable)."""
    title: list[ft.Control] = [ft.Text(content.title, size=18, weight=ft.FontWeight.BOLD)]
    if content.version:
        title.append(ft.Text(f"v{content.version}", size=12, color=ft.Colors.ON_SURFACE_VARIANT))
    header = ft.Row(
        [
            ft.Row(title, spacing=8, expand=True, wrap=True),
            status_badge(content.status),
        ],
    )
    body: list[ft.Control] = [header]
    if content.message:
        body.append(ft.Text(content.message, size=14))
    if content.rows:
        body.append(ft.Divider(height=8))
        body.extend(_row_control(label, value) for label, value in content.rows)
    links: list[ft.Control] = list(buttons)
    if on_details is not None:
        details = ft.TextButton(
            f"Details of {content.title}", on_click=lambda _: on_details(content)
        )
        links.append(details)
    if links:
        body.append(ft.Row(links, alignment=ft.MainAxisAlignment.END, wrap=True))
    problem = content.status in (HealthStatus.WARNING, HealthStatus.UNHEALTHY)
    return ft.Card(
        content=ft.Container(
            content=ft.Column(body, spacing=6),
            padding=16,
            border=ft.Border.all(3 if problem else 1, STATUS_COLORS[content.status]),
            border_radius=12,
        ),
        key=content.name,
        col={"xs": 12, "md": 6, "xl": 4},
        semantic_container=False,  # each text its own node: found, selected, read one by one
    )


def _row_control(label: str, value: str) -> ft.Control:
    """Label at its natural width; a long value wraps instead of squeezing the label to a
    letter per line."""
    return ft.Row(
        [
            ft.Text(label, size=13, color=ft.Colors.ON_SURFACE_VARIANT, no_wrap=True),
            ft.Text(
                value,
                size=13,
                weight=ft.FontWeight.W_500,
                expand=True,
                text_align=ft.TextAlign.RIGHT,
            ),
        ],
        vertical_alignment=ft.CrossAxisAlignment.START,
    )


def details_dialog(
    content: CardContent, copy: Callable[[str], None], close: Callable[[], object]
) -> ft.AlertDialog:
    """The raw data behind a card, selectable, with a button that copies all of it."""
    dialog = ft.AlertDialog(
        title=ft.Text(f"{content.title}: raw data"),
        content=ft.Container(
            ft.Column(
                [ft.Text(content.details, font_family="monospace", size=12)],
                scroll=ft.ScrollMode.AUTO,
            ),
            width=640,
            height=420,
        ),
        actions=[
            ft.TextButton("Copy", on_click=lambda _: copy(content.details)),
            ft.TextButton("Close", on_click=lambda _: close()),
        ],
        scrollable=True,
    )
    return dialog
