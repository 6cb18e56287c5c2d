"""`/docs` and `/redoc` served with their own JavaScript and CSS: they work offline.

FastAPI's default docs pages fetch Swagger UI and ReDoc from a CDN, so behind a firewall, on a
plane or in an air-gapped deployment they stay blank ("SwaggerUIBundle is not defined").
The assets ship in the `fastapi-offline` wheel (MIT, as are Swagger UI and ReDoc); we only
use its files, and build the pages with FastAPI's own `get_swagger_ui_html` /
`get_redoc_html`, as FastAPI's documentation on self-hosting the docs assets describes.

Each page also carries a Content-Security-Policy that allows this server only: ReDoc shows a
logo from its vendor's CDN, and with the policy the browser refuses it before any network
access (nothing else on the page needs the internet).

The app must be created with `docs_url=None, redoc_url=None` for these routes to take over.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS_PACKAGE = "fastapi_offline"
ASSETS_PATH = "/docs-assets"
"""Where the Swagger UI and ReDoc files are served from (outside the API prefix)."""
DOCS_PATH = "/docs"
REDOC_PATH = "/redoc"
OAUTH2_REDIRECT_PATH = "/docs/oauth2-redirect"

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; worker-src 'self' blob:; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
    "connect-src 'self'"
)

SWAGGER_UI_PARAMETERS = {
    "validatorUrl": None,  # else Swagger UI may ask an online validator about the schema
    "persistAuthorization": True,
}


def assets_directory() -> Path:
    """The folder holding swagger-ui-bundle.js, swagger-ui.css and redoc.standalone.js."""
    return Path(str(files(ASSETS_PACKAGE) / "static"))


def mount_api_docs(app: FastAPI, title: str) -> None:
    """Add `/docs`, `/redoc` and their assets to `app`, none of them in the OpenAPI schema."""
    app.mount(ASSETS_PATH, StaticFiles(directory=assets_directory()), name="docs-assets")
    openapi_url = app.openapi_url or "/openapi.json"

    @app.get(DOCS_PATH, include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = _root(request)
        return _local_only(
            get_swagger_ui_html(
                openapi_url=root + openapi_url,
                title=f"{title} API",
                swagger_js_url=f"{root}{ASSETS_PATH}/swagger-ui-bundle.js",
                swagger_css_url=f"{root}{ASSETS_PATH}/swagger-ui.css",
                swagger_favicon_url=f"{root}{ASSETS_PATH}/favicon.png",
                oauth2_redirect_url=root + OAUTH2_REDIRECT_PATH,
                swagger_ui_parameters=SWAGGER_UI_PARAMETERS,
            )
        )

    @app.get(OAUTH2_REDIRECT_PATH, include_in_schema=False)
    async def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get(REDOC_PATH, include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        root = _root(request)
        return _local_only(
            get_redoc_html(
                openapi_url=root + openapi_url,
                title=f"{title} API",
                redoc_js_url=f"{root}{ASSETS_PATH}/redoc.standalone.js",
                redoc_favicon_url=f"{root}{ASSETS_PATH}/favicon.png",
                with_google_fonts=False,
            )
        )


def _root(request: Request) -> str:
    """The prefix a proxy serves the app under (`--root-path`), as FastAPI's own docs use."""
    return str(request.scope.get("root_path", "")).rstrip("/")


def _local_only(page: HTMLResponse) -> HTMLResponse:
    page.headers["content-security-policy"] = CONTENT_SECURITY_POLICY
    return page
