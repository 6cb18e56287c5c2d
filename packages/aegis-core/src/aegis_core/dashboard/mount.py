"""Mount the Flet dashboard into the host FastAPI app (see FACTS.md for why each step)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response

from aegis_core.runtime import AegisRuntime

# Blocks the Rive script Flet always tries to fetch from a CDN, before any network access.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval' blob:; "
    "worker-src 'self' blob:; connect-src 'self' blob: data:; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data: blob:"
)


def mount_dashboard(app: FastAPI, runtime: AegisRuntime) -> None:
    import flet.fastapi as flet_fastapi

    from aegis_core.dashboard.page import build_page

    path = runtime.settings.DASHBOARD_PATH
    app.mount(path, flet_fastapi.app(build_page(runtime), no_cdn=True))

    @app.middleware("http")
    async def dashboard_csp(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        if request.url.path.startswith(path):
            response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        return response


@asynccontextmanager
async def dashboard_lifespan() -> AsyncIterator[None]:
    """Start and stop Flet's session manager: the mounted sub-app's lifespan never runs."""
    import flet.fastapi as flet_fastapi

    await flet_fastapi.app_manager.start()
    try:
        yield
    finally:
        await flet_fastapi.app_manager.shutdown()
