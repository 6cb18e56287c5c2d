"""The per-session refresh loop of the dashboard, tied to the browser session's lifecycle.

Flet keeps a session alive for an hour after its tab closes, so that a reconnect can resume it,
and nothing cancels a task the page started. A `while True` in the page's `main` therefore
keeps running health checks for every closed tab. `Refresher` runs only while a browser is
connected: it stops on `disconnect` or when its websocket dies (see `sockets.py` for why Flet's
event is not enough), resumes on `connect`, and stops for good on `close`.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aegis_core.dashboard.history import History
from aegis_core.dashboard.sockets import SocketWatch, current_socket, expire_when_orphaned

if TYPE_CHECKING:
    import flet as ft

logger = logging.getLogger("aegis.dashboard")

MIN_INTERVAL = 0.1
"""Seconds; a zero interval would turn the loop into a busy loop on the server."""


class Refresher:
    """Calls `refresh` at once, then every `interval` seconds, until stopped."""

    def __init__(self, refresh: Callable[[], Awaitable[None]], interval: float) -> None:
        self._refresh = refresh
        self.interval = max(interval, MIN_INTERVAL)
        self._task: asyncio.Task[None] | None = None
        self._closed = False
        self._socket: SocketWatch | None = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def attach(self, page: ft.Page) -> None:
        """Follow `page`'s session: run while connected, stop when the browser goes away."""

        def reconnected() -> None:
            self.follow(current_socket(), page)
            self.start()

        page.on_connect = reconnected
        page.on_disconnect = self.stop
        page.on_close = self.close
        self.follow(current_socket(), page)
        self.start()

    def follow(self, socket: SocketWatch | None, page: ft.Page | None = None) -> None:
        """Stop when `socket` (the browser's current websocket) closes, whatever Flet says.

        A close of an older socket, after the browser reconnected on a new one, is ignored.
        """
        self._socket = socket
        if socket is None:
            return
        socket.on_close(lambda: self._socket_closed(socket))
        if page is not None:
            expire_when_orphaned(page, socket)

    def _socket_closed(self, socket: SocketWatch) -> None:
        if self._socket is socket:
            self.stop()

    def start(self) -> None:
        if self._closed or self.running:
            return
        self._task = asyncio.create_task(self._loop(), name="aegis-dashboard-refresh")

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None

    def close(self) -> None:
        """The session is gone for good: stop, and never start again."""
        self._closed = True
        self.stop()

    async def _loop(self) -> None:
        while True:
            try:
                await self._refresh()
            except Exception:  # one failed refresh must not end the page's updates
                logger.exception("dashboard refresh failed")
            await asyncio.sleep(self.interval)


class Sessions:
    """The refreshers of one app's dashboard: counted for `/health`, closed at shutdown.

    Held weakly: a session Flet has evicted (and its page) must not be kept alive by us.
    """

    def __init__(self) -> None:
        self._refreshers: weakref.WeakSet[Refresher] = weakref.WeakSet()
        self.opened = 0
        self.history = History()
        """The app's last hour, recorded by every session's refresh (sparklines)."""
        self.last_state: dict[str, Any] = {}
        """What the page showed last, in plain words: kept on screen while the server is away
        (served to the page as JSON by `client.py`)."""

    def add(self, refresher: Refresher) -> Refresher:
        self._refreshers.add(refresher)
        self.opened += 1
        return refresher

    @property
    def refreshing(self) -> int:
        """Sessions whose loop runs now: one per connected browser tab, never more."""
        return sum(1 for r in list(self._refreshers) if r.running)

    def close_all(self) -> None:
        """At shutdown: no refresh task may outlive the server's event loop."""
        for refresher in list(self._refreshers):
            refresher.close()
