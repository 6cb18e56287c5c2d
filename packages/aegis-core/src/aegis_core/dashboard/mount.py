"""Mount the Flet dashboard into the host FastAPI app, offline; why each step is needed:

- `no_cdn=True`: without it the page never leaves the splash screen offline.
- A Content-Security-Policy on every dashboard response: Flet's client always tries to fetch
  a Rive script from a CDN; the policy stops it before any network access.
- While the server is away the page keeps its last state, greyed (`client.py`).
- The tab and home-screen icon is the app's, not Flet's logo (`icon.py`).
- `flet_fastapi.app_manager` is started by us and stopped by the host lifespan: a mounted
  sub-app's own lifespan never runs.

Flet is imported, and its app built and its manager started, on the first dashboard request
(`LazyFletApp`): importing it took ~0.25 s, a sixth of the server's cold start, and an API
that nobody opens the dashboard of should not pay it. The CSP is added by a small ASGI
wrapper around the mounted sub-app rather than an app-wide HTTP middleware, so `/health` and
the API never pay for it.
"""

from __future__ import annotations

import asyncio
import importlib
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from aegis_core.dashboard.client import DisconnectedOverlay
from aegis_core.dashboard.icon import BrandIcons
from aegis_core.dashboard.refresh import Sessions
from aegis_core.dashboard.sockets import WatchSockets
from aegis_core.runtime import AegisRuntime

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval' blob:; "
    "worker-src 'self' blob:; connect-src 'self' blob: data:; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data: blob:"
)


class ContentSecurityPolicy:
    """ASGI wrapper adding the dashboard's CSP header to each HTTP response of `app`."""

    def __init__(self, app: ASGIApp, policy: str = CONTENT_SECURITY_POLICY) -> None:
        self.app = app
        self.header = (b"content-security-policy", policy.encode("latin-1"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_policy(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (k, v) for k, v in message.get("headers", []) if k.lower() != self.header[0]
                ]
                message = {**message, "headers": [*headers, self.header]}
            await send(message)

        await self.app(scope, receive, send_with_policy)


FLET_MODULE = "flet_web.fastapi"


class LazyFletApp:
    """ASGI app that imports Flet and builds the dashboard app on its first request."""

    def __init__(self, build: Callable[[], ASGIApp]) -> None:
        self._build = build
        self._app: ASGIApp | None = None
        self._lock: asyncio.Lock | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":  # never sent to a mount, but harmless if it were
            return
        app = self._app or await self._load()
        await app(scope, receive, send)

    async def _load(self) -> ASGIApp:
        self._lock = self._lock or asyncio.Lock()
        async with self._lock:
            if self._app is None:
                # In a thread: /health keeps answering while Flet imports.
                flet_fastapi = await asyncio.to_thread(importlib.import_module, FLET_MODULE)
                await flet_fastapi.app_manager.start()
                self._app = self._build()
        return self._app


def mount_dashboard(app: FastAPI, runtime: AegisRuntime) -> Sessions:
    """Mount the dashboard at `DASHBOARD_PATH` and record it on `runtime`.

    The caller's lifespan must enter `dashboard_lifespan(sessions)` with the result.
    """
    sessions = Sessions()

    def build() -> ASGIApp:
        import flet.fastapi as flet_fastapi

        from aegis_core.dashboard.operator import SuperuserCheck, needs_superuser
        from aegis_core.dashboard.page import build_page

        name = runtime.settings.APP_NAME
        gate = None
        if needs_superuser(runtime.discovered.names):
            gate = SuperuserCheck(app, runtime.settings.API_PREFIX)
        flet_app: ASGIApp = flet_fastapi.app(
            build_page(runtime, sessions, gate),
            no_cdn=True,
            app_name=f"{name} dashboard",
            app_short_name=name,
            app_description=f"Health of {name} and its components",
        )
        return flet_app

    overlay = DisconnectedOverlay(
        WatchSockets(LazyFletApp(build)), sessions, runtime.settings.DASHBOARD_REFRESH_SECONDS
    )
    dashboard = ContentSecurityPolicy(BrandIcons(overlay))
    app.mount(runtime.settings.DASHBOARD_PATH, dashboard)
    runtime.dashboard_mounted = True
    runtime.dashboard_sessions = sessions
    return sessions


@asynccontextmanager
async def dashboard_lifespan(sessions: Sessions | None = None) -> AsyncIterator[None]:
    """At shutdown: stop every session's refresh loop before the event loop goes away, and
    Flet's session manager if the dashboard was ever opened (a mount's lifespan never runs)."""
    try:
        yield
    finally:
        if sessions is not None:
            sessions.close_all()
        if FLET_MODULE in sys.modules:
            await sys.modules[FLET_MODULE].app_manager.shutdown()
