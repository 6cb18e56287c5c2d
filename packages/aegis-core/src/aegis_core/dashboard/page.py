"""The dashboard page: a status header and one card per component and service.

`build_page(runtime)` returns the Flet entry point; each browser session gets its own
`DashboardView` (the controls) and `Refresher` (the loop that keeps them current). Health comes
from the runtime in-process, not over HTTP: the page shows exactly what `/health` would say.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime

import flet as ft

from aegis_core.dashboard.cards import card_content, card_control, status_badge
from aegis_core.dashboard.refresh import Refresher, Sessions
from aegis_core.health.models import ComponentHealth, DetailedHealth, HealthStatus
from aegis_core.runtime import AegisRuntime

logger = logging.getLogger("aegis.dashboard")

PAGE_PADDING = 24


class DashboardView:
    """The controls of one session's page, and how a health result maps onto them."""

    def __init__(self, runtime: AegisRuntime) -> None:
        self.runtime = runtime
        self.title = ft.Text(runtime.settings.APP_NAME, size=28, weight=ft.FontWeight.BOLD)
        self.status = ft.Container(content=ft.Text("checking…", size=14))
        self.subtitle = ft.Text("", size=13, color=ft.Colors.ON_SURFACE_VARIANT)
        self.error = ft.Text("", color=ft.Colors.RED_600, visible=False)
        self.sections = ft.Column(spacing=20)

    def root(self) -> ft.Control:
        header = ft.Row(
            [self.title, self.status],
            spacing=16,
            vertical_alignment=ft.CrossAxisAlignment.CENTER,
            wrap=True,
        )
        return ft.Column([header, self.subtitle, self.error, self.sections], spacing=12)

    def show(self, health: DetailedHealth) -> None:
        """Replace header and cards with `health` (the previous cards are dropped)."""
        self.status.content = status_badge(health.status, size=14)
        self.subtitle.value = _subtitle(health)
        self.error.visible = False
        self.sections.controls = [
            _section(title, group, self.runtime)
            for title, group in (("Components", health.components), ("Services", health.services))
            if group
        ]

    def show_error(self, message: str) -> None:
        """Keep the last good cards on screen, and say that they are stale and why."""
        self.error.value = message
        self.error.visible = True


def _subtitle(health: DetailedHealth) -> str:
    counts = {s: 0 for s in HealthStatus}
    for entry in (*health.components.values(), *health.services.values()):
        counts[entry.status] += 1
    tally = ", ".join(f"{n} {status}" for status, n in counts.items() if n)
    updated = health.timestamp.astimezone().strftime("%H:%M:%S")
    return f"aegis-core {health.aegis_core_version} · {tally} · updated {updated}"


def _section(title: str, group: Mapping[str, ComponentHealth], runtime: AegisRuntime) -> ft.Control:
    cards = [
        card_control(card_content(health, runtime.discovered.get(name)))
        for name, health in group.items()
    ]
    return ft.Column(
        [
            ft.Text(title, size=20, weight=ft.FontWeight.W_600),
            ft.ResponsiveRow(cards, spacing=16, run_spacing=16),
        ],
        spacing=10,
    )


def build_page(runtime: AegisRuntime, sessions: Sessions) -> Callable[[ft.Page], Awaitable[None]]:
    """The Flet entry point, called once per browser session; its loop joins `sessions`."""

    async def main(page: ft.Page) -> None:
        view = DashboardView(runtime)
        page.title = f"{runtime.settings.APP_NAME} dashboard"
        page.padding = PAGE_PADDING
        page.scroll = ft.ScrollMode.AUTO
        page.add(view.root())

        async def refresh() -> None:
            await _refresh(page, view, runtime)

        refresher = Refresher(refresh, runtime.settings.DASHBOARD_REFRESH_SECONDS)
        sessions.add(refresher).attach(page)

    return main


async def _refresh(page: ft.Page, view: DashboardView, runtime: AegisRuntime) -> None:
    try:
        view.show(await runtime.detailed_health())
    except Exception as exc:  # keep the page alive; the next tick may succeed
        logger.exception("dashboard refresh failed")
        view.show_error(f"Refresh failed at {datetime.now():%H:%M:%S}: {exc}")
    page.update()
