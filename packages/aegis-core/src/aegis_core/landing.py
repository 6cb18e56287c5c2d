"""`/` redirects to the page people open first (the dashboard unless configured otherwise).

Without it, the root of a fresh project is a bare 404 JSON, the first thing someone sees after
`make serve`. `LANDING_PATH` in the settings picks another page; it must be a path on this
server (checked in the settings), so `/` can never be turned into an open redirect.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse

from aegis_core.docs_assets import DOCS_PATH
from aegis_core.settings import CoreSettings


def landing_path(settings: CoreSettings) -> str:
    """`LANDING_PATH` when set, else the dashboard when enabled, else the API docs."""
    if settings.LANDING_PATH:
        return settings.LANDING_PATH
    return settings.DASHBOARD_PATH.rstrip("/") + "/" if settings.DASHBOARD_ENABLED else DOCS_PATH


def add_landing_redirect(app: FastAPI, settings: CoreSettings) -> None:
    """`GET /` answers 307 to the landing page; not part of the API schema."""
    target = landing_path(settings)

    @app.get("/", include_in_schema=False)
    async def landing(request: Request) -> RedirectResponse:
        root = str(request.scope.get("root_path", "")).rstrip("/")  # behind a proxy's prefix
        return RedirectResponse(root + target)
