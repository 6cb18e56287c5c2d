"""The Flet side of the dashboard login: an email, a password, a button, and one line of reason.

Shown instead of the dashboard when operator surfaces are guarded (`operator.py`). Nothing of
the dashboard is on the page, nor sent to the browser, until a superuser has logged in: the
form is the session's only content, and the page replaces it with the cards on success.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import flet as ft

from aegis_core.dashboard.operator import Operator, SuperuserCheck

OnLogin = Callable[[Operator], Awaitable[None]]
FORM_WIDTH = 360


class LoginForm:
    """One session's login form; calls `on_login` once, with the superuser who logged in."""

    def __init__(self, app_name: str, check: SuperuserCheck, on_login: OnLogin) -> None:
        self.app_name = app_name
        self.check = check
        self.on_login = on_login
        self.email = ft.TextField(
            label="Email",
            autofocus=True,
            keyboard_type=ft.KeyboardType.EMAIL,
            on_submit=self._submit,
        )
        # No reveal button: Flet's has no accessible name (axe: aria-command-name).
        self.password = ft.TextField(label="Password", password=True, on_submit=self._submit)
        self.error = ft.Text("", color=ft.Colors.ERROR, visible=False)  # readable in dark mode too
        self.button = ft.FilledButton("Log in", on_click=self._submit)

    def control(self) -> ft.Control:
        return ft.Column(
            [
                ft.Text(f"{self.app_name} dashboard", size=28, weight=ft.FontWeight.BOLD),
                ft.Text("Log in as a superuser to see the dashboard."),
                self.email,
                self.password,
                self.button,
                self.error,  # below the button: a refusal moves nothing a person aims at
            ],
            spacing=12,
            width=FORM_WIDTH,
        )

    async def _submit(self, _: object) -> None:
        self.button.disabled = True  # one check at a time: a double click is not two logins
        self.error.visible = False  # the last refusal is not this attempt's answer
        self._show()
        try:
            result = await self.check.login(
                str(self.email.value or "").strip(), str(self.password.value or "")
            )
        finally:
            self.button.disabled = False
        if isinstance(result, Operator):
            self.password.value = ""
            await self.on_login(result)
            return
        self.error.value = result
        self.error.visible = True
        self._show()

    def _show(self) -> None:
        self.error.update()
        self.button.update()
