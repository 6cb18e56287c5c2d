"""The dashboard page: a status header and one card per component, refreshing itself."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import flet as ft

from aegis_core.runtime import AegisRuntime


def build_page(runtime: AegisRuntime) -> Callable[[ft.Page], Awaitable[None]]:
    async def main(page: ft.Page) -> None:
        page.title = f"{runtime.settings.APP_NAME} dashboard"
        header = ft.Text("checking…", size=22)
        cards = ft.Column()
        page.add(header, cards)
        while True:
            health = await runtime.detailed_health()
            header.value = f"{runtime.settings.APP_NAME}: {health.status}"
            cards.controls = [
                ft.Text(f"{name}: {h.status} — {h.message}")
                for name, h in {**health.components, **health.services}.items()
            ]
            page.update()
            await asyncio.sleep(runtime.settings.DASHBOARD_REFRESH_SECONDS)

    return main
