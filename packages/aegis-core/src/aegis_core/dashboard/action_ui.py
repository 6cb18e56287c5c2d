"""The Flet side of dashboard actions: a button per action, and the dialog that confirms it.

Nothing runs on a single click: the dialog says what will happen (`confirm`), asks for the
action's fields, and a refused value keeps the dialog open with the reason, so the person can
correct it. With auth installed the page's superuser logged in already; `authorize` checks
that the login still holds (not demoted, not deactivated) just before the action runs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import flet as ft

from aegis_core.component import DashboardAction
from aegis_core.dashboard.actions import Outcome, run_action

OnDone = Callable[[DashboardAction, Outcome], Awaitable[None]]
Authorize = Callable[[], Awaitable[str | None]]
"""None when the person may act now; else the one line saying why not."""


def action_buttons(
    actions: list[DashboardAction], open_action: Callable[[DashboardAction], None]
) -> list[ft.Control]:
    return [
        ft.OutlinedButton(action.label, on_click=lambda _, a=action: open_action(a))
        for action in actions
    ]


class ActionDialog:
    """One confirmation dialog for one action."""

    def __init__(
        self,
        action: DashboardAction,
        authorize: Authorize | None,
        close: Callable[[], object],
        on_done: OnDone,
    ) -> None:
        self.action = action
        self.authorize = authorize
        self.close = close
        self.on_done = on_done
        self.inputs = {name: ft.TextField(label=name, dense=True) for name in action.fields}
        self.error = ft.Text("", color=ft.Colors.ERROR, visible=False)  # readable in dark mode too

    def control(self) -> ft.AlertDialog:
        body: list[ft.Control] = [ft.Text(self.action.confirm or f"Run {self.action.label}?")]
        body += list(self.inputs.values())
        body.append(self.error)
        return ft.AlertDialog(
            modal=True,
            title=ft.Text(self.action.label),
            content=ft.Column(body, tight=True, spacing=10, width=420),
            actions=[
                ft.TextButton("Cancel", on_click=lambda _: self.close()),
                ft.FilledButton("Run", on_click=self._run),
            ],
        )

    async def _run(self, _: object) -> None:
        if self.authorize is not None:
            refusal = await self.authorize()
            if refusal:
                self._refuse(refusal)
                return
        values = {name: str(field.value or "") for name, field in self.inputs.items()}
        outcome = await run_action(self.action, values)
        if outcome.message.startswith("Not done"):
            self._refuse(outcome.message)
            return
        self.close()
        await self.on_done(self.action, outcome)

    def _refuse(self, message: str) -> None:
        self.error.value = message
        self.error.visible = True
        self.error.update()
