"""Know when a dashboard browser's websocket is gone, even when Flet does not say so.

Flet 1.0.5 fires the page's `disconnect` event only when its websocket handler ends cleanly.
When the browser goes away while the server is sending (which a page that refreshes itself
does often), the handler dies with `WebSocketDisconnect` first: the session is never marked
disconnected, never expires, and a refresh loop tied to Flet's events would run forever while
Flet queues its updates in memory. Reproduced: 1 in 4 closed tabs kept refreshing.

`WatchSockets` wraps the mounted Flet app and opens a `SocketWatch` per websocket, visible to
the page code through a context variable (Flet runs the page's `main` and event handlers in
tasks spawned from the websocket's task, so they inherit it). When the socket's ASGI call ends
(cleanly or not) the watch closes and runs its callbacks.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from starlette.types import ASGIApp, Receive, Scope, Send

if TYPE_CHECKING:
    import flet as ft

logger = logging.getLogger("aegis.dashboard")

DEFAULT_SESSION_TIMEOUT = 3600
"""Flet's own default (seconds a disconnected session waits for its browser to come back)."""

CloseCallback = Callable[[], Awaitable[None] | None]

_current: ContextVar[SocketWatch | None] = ContextVar("aegis_dashboard_socket", default=None)


class SocketWatch:
    """One dashboard websocket: whether it is still open, and what to do once it closes."""

    def __init__(self) -> None:
        self.closed = False
        self._callbacks: list[CloseCallback] = []

    def on_close(self, callback: CloseCallback) -> None:
        self._callbacks.append(callback)

    async def close(self) -> None:
        self.closed = True
        callbacks, self._callbacks = self._callbacks, []
        for callback in callbacks:
            try:
                result = callback()
                if result is not None:
                    await result
            except Exception:
                logger.exception("dashboard socket close callback failed")


def current_socket() -> SocketWatch | None:
    """The websocket the calling page code serves, or None outside a dashboard socket."""
    return _current.get()


class WatchSockets:
    """ASGI wrapper: a `SocketWatch` around each websocket connection of `app`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "websocket":
            await self.app(scope, receive, send)
            return
        watch = SocketWatch()
        token = _current.set(watch)
        try:
            await self.app(scope, receive, send)
        finally:
            _current.reset(token)
            await watch.close()


def expire_when_orphaned(page: ft.Page, watch: SocketWatch) -> None:
    """When `watch` closes and Flet did not mark the page's session disconnected, do it.

    The session then expires like any other (and `close` fires), instead of living, and
    buffering updates, for as long as the server runs. A session that a newer socket has
    taken over in the meantime is left alone.
    """
    connection = page.session.connection

    async def expire() -> None:
        try:
            session: Any = page.session
        except RuntimeError:  # Flet already destroyed the session: nothing left to expire
            return
        if session.connection is connection and session.expires_at is None:
            logger.info("dashboard socket died without a disconnect; expiring its session")
            timeout = int(os.environ.get("FLET_SESSION_TIMEOUT", DEFAULT_SESSION_TIMEOUT))
            await session.disconnect(timeout)

    watch.on_close(expire)
