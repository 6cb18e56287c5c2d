"""Mount the Flet dashboard into the host FastAPI app (see FACTS.md for why each step).

- `no_cdn=True`: without it the page never leaves the splash screen offline.
- A Content-Security-Policy on every dashboard response: Flet's client always tries to fetch
  a Rive script from a CDN; the policy stops it before any network access.
- The host lifespan starts and stops `flet_fastapi.app_manager`: a mounted sub-app's own
  lifespan never runs.

The CSP is added by a small ASGI wrapper around the mounted sub-app rather than an app-wide
HTTP middleware, so `/health` and the API never pay for it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

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


def mount_dashboard(app: FastAPI, runtime: AegisRuntime) -> Sessions:
    """Mount the dashboard at `DASHBOARD_PATH` and record it on `runtime`.

    The caller's lifespan must enter `dashboard_lifespan(sessions)` with the result.
    """
    import flet.fastapi as flet_fastapi

    from aegis_core.dashboard.page import build_page

    sessions = Sessions()
    name = runtime.settings.APP_NAME
    flet_app = flet_fastapi.app(
        build_page(runtime, sessions),
        no_cdn=True,
        app_name=f"{name} dashboard",
        app_short_name=name,
        app_description=f"Health of {name} and its components",
    )
    app.mount(runtime.settings.DASHBOARD_PATH, ContentSecurityPolicy(WatchSockets(flet_app)))
    runtime.dashboard_mounted = True
    runtime.dashboard_sessions = sessions
    return sessions


@asynccontextmanager
async def dashboard_lifespan(sessions: Sessions | None = None) -> AsyncIterator[None]:
    """Start and stop Flet's session manager (a mounted sub-app's lifespan never runs);
    at shutdown, stop every session's refresh loop before the event loop goes away."""
    import flet.fastapi as flet_fastapi

    await flet_fastapi.app_manager.start()
    try:
        yield
    finally:
        if sessions is not None:
            sessions.close_all()
        await flet_fastapi.app_manager.shutdown()
