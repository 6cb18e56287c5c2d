"""The dashboard page: a header that names the problems, then one card per part, worst first.

`build_page(runtime, sessions)` returns the Flet entry point; each browser session gets its
own `DashboardView` (the controls) and `Refresher` (the loop that keeps them current). Health
comes from the runtime in-process, not over HTTP: the page shows exactly what `/health` would
say. Each refresh also records the app's history and the last state, shared by every session
(`Sessions`): the sparklines, and what the page keeps on screen while the server is away.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from datetime import datetime

import flet as ft

from aegis_core.component import DashboardAction
from aegis_core.dashboard.action_ui import ActionDialog, action_buttons
from aegis_core.dashboard.actions import Outcome, component_actions
from aegis_core.dashboard.cards import (
    CardContent,
    card_content,
    card_control,
    details_dialog,
    status_badge,
)
from aegis_core.dashboard.login import LoginForm
from aegis_core.dashboard.operator import Operator, SuperuserCheck
from aegis_core.dashboard.refresh import Refresher, Sessions
from aegis_core.dashboard.sparklines import sparkline_row
from aegis_core.dashboard.summary import entries, headline
from aegis_core.health.models import DetailedHealth
from aegis_core.runtime import AegisRuntime

logger = logging.getLogger("aegis.dashboard")

PAGE_PADDING = 24
ShowDetails = Callable[[CardContent], None]


class DashboardView:
    """The controls of one session's page, and how a health result maps onto them."""

    def __init__(
        self,
        runtime: AegisRuntime,
        on_details: ShowDetails | None = None,
        on_action: Callable[[DashboardAction], None] | None = None,
    ) -> None:
        self.runtime = runtime
        self.on_details = on_details
        self.on_action = on_action
        self.title = ft.Text(runtime.settings.APP_NAME, size=28, weight=ft.FontWeight.BOLD)
        self.status = ft.Container(content=ft.Text("checking…", size=14))
        self.headline = ft.Text("", size=16, weight=ft.FontWeight.W_600)
        self.subtitle = ft.Text("", size=13, color=ft.Colors.ON_SURFACE_VARIANT)
        self.error = ft.Text("", color=ft.Colors.ERROR, visible=False)  # readable in dark mode too
        self.notice = ft.Text("", visible=False, weight=ft.FontWeight.W_500)
        self.history = ft.Row([], wrap=True, spacing=16, run_spacing=8)
        self.cards = ft.ResponsiveRow([], spacing=16, run_spacing=16)

    def root(self) -> ft.Control:
        header = ft.Row(
            [self.title, self.status],
            spacing=16,
            vertical_alignment=ft.CrossAxisAlignment.CENTER,
            wrap=True,
        )
        return ft.Column(
            [
                header,
                self.headline,
                self.subtitle,
                self.error,
                self.notice,
                self.history,
                self.cards,
            ],
            spacing=12,
        )

    def show(self, health: DetailedHealth) -> list[CardContent]:
        """Replace header and cards with `health`; the cards come worst first."""
        contents = [
            card_content(entry.health, self.runtime.discovered.get(entry.name))
            for entry in entries(health)
        ]
        self.status.content = status_badge(health.status, size=14)
        self.headline.value = headline(health, {c.name: c.title for c in contents})
        self.subtitle.value = _subtitle(health)
        self.error.visible = False
        self.cards.controls = [card_control(c, self.on_details, self._buttons(c)) for c in contents]
        return contents

    def _buttons(self, content: CardContent) -> list[ft.Control]:
        if self.on_action is None:
            return []
        actions = component_actions(content.name, self.runtime.discovered.get(content.name))
        return action_buttons(actions, self.on_action)

    def show_outcome(self, action: DashboardAction, outcome: Outcome) -> None:
        """The last action's result, above the cards, until the next one."""
        self.notice.value = f"{action.label}: {outcome.message}"
        self.notice.color = ft.Colors.ON_SURFACE if outcome.ok else ft.Colors.ERROR
        self.notice.visible = True

    def show_history(self, controls: list[ft.Control]) -> None:
        self.history.controls = controls

    def show_error(self, message: str) -> None:
        """Keep the last good cards on screen, and say that they are stale and why."""
        self.error.value = message
        self.error.visible = True


def _subtitle(health: DetailedHealth) -> str:
    updated = health.timestamp.astimezone().strftime("%H:%M:%S")
    return f"Updated {updated} · aegis-core {health.aegis_core_version}"


def build_page(
    runtime: AegisRuntime, sessions: Sessions, gate: SuperuserCheck | None = None
) -> Callable[[ft.Page], Awaitable[None]]:
    """The Flet entry point, called once per browser session; its loop joins `sessions`.
    With `gate` (auth installed) and operator surfaces guarded, the session shows a login
    form first, and the dashboard only to a superuser, whose login then covers its actions."""

    async def main(page: ft.Page) -> None:
        clipboard = ft.Clipboard()
        page.services.append(clipboard)
        guarded = await _guarded(gate)
        operator: Operator | None = None

        def copy(text: str) -> None:
            page.run_task(clipboard.set, text)

        def show_details(content: CardContent) -> None:
            page.show_dialog(details_dialog(content, copy, page.pop_dialog))

        async def action_done(action: DashboardAction, outcome: Outcome) -> None:
            view.show_outcome(action, outcome)
            await refresh()  # what the action changed shows now, not in 5 s

        async def authorize() -> str | None:
            if gate is None or operator is None:
                return "Log in as a superuser first"
            return await gate.still_allowed(operator)

        def open_action(action: DashboardAction) -> None:
            check = authorize if guarded else None
            dialog = ActionDialog(action, check, page.pop_dialog, action_done)
            page.show_dialog(dialog.control())

        view = DashboardView(runtime, show_details, open_action)
        page.title = f"{runtime.settings.APP_NAME} dashboard"
        page.padding = PAGE_PADDING
        page.scroll = ft.ScrollMode.AUTO

        async def refresh() -> None:
            await _refresh(page, view, runtime, sessions, keep_state=not guarded)

        async def show_dashboard(logged_in: Operator | None) -> None:
            nonlocal operator
            operator = logged_in
            page.controls.clear()
            # One selection area over the page: every text can be selected and copied (an
            # error into a ticket) and keeps its plain-text semantics; `selectable=True` on a
            # Text would expose it to the browser as an empty, disabled text field instead.
            page.add(ft.SelectionArea(content=view.root()))
            refresher = Refresher(refresh, runtime.settings.DASHBOARD_REFRESH_SECONDS)
            sessions.add(refresher).attach(page)

        if guarded and gate is not None:
            page.add(LoginForm(runtime.settings.APP_NAME, gate, show_dashboard).control())
        else:
            await show_dashboard(None)

    return main


async def _guarded(gate: SuperuserCheck | None) -> bool:
    """Whether this session must log in first; when the question cannot be answered, yes."""
    if gate is None:
        return False
    try:
        return await gate.required()
    except Exception:
        logger.exception("could not tell whether the dashboard is guarded; asking for a login")
        return True


async def _refresh(
    page: ft.Page,
    view: DashboardView,
    runtime: AegisRuntime,
    sessions: Sessions,
    *,
    keep_state: bool = True,
) -> None:
    """One refresh of `view`. With `keep_state` False (a guarded dashboard) the last state is
    not kept for the disconnected overlay: `aegis-state.json` is served to anyone who asks."""
    try:
        started = time.perf_counter()
        health = await runtime.detailed_health()
        elapsed_ms = (time.perf_counter() - started) * 1000
        contents = view.show(health)
        sessions.history.record(health, elapsed_ms)
        if keep_state:
            sessions.last_state = _plain_state(view, contents)
        view.show_history(sparkline_row(sessions.history))
    except Exception as exc:  # keep the page alive; the next tick may succeed
        logger.exception("dashboard refresh failed")
        view.show_error(f"Refresh failed at {datetime.now():%H:%M:%S}: {exc}")
    page.update()


def _plain_state(view: DashboardView, contents: list[CardContent]) -> dict[str, object]:
    """What the page shows, in plain words, for the overlay while the server is away."""
    return {
        "headline": view.headline.value,
        "updated": view.subtitle.value,
        "cards": [
            {"title": c.title, "status": str(c.status), "message": c.message} for c in contents
        ],
    }


__all__ = ["DashboardView", "build_page"]
