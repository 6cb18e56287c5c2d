"""`/docs` and `/redoc` render in chromium with every request off 127.0.0.1 aborted, and `/`
leads to the dashboard (or the configured landing page)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from aegis_core.testing import RunningServer, run_server

from tests.browser.session import BrowserSession

APP = """
from fastapi import APIRouter
from aegis_core import CoreSettings, create_app

app = create_app(CoreSettings(APP_NAME="docs-app"), project_package="no_project")
router = APIRouter()


@router.get("/api/orders/{order_id}", summary="Read one order")
async def read_order(order_id: int) -> dict[str, int]:
    return {"order_id": order_id}


app.include_router(router)
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    root = tmp_path_factory.mktemp("docs")
    (root / "docs_app.py").write_text(APP)
    with run_server("docs_app:app", cwd=root, env={"AEGIS_COMPONENTS": "none"}) as running:
        yield running


def test_swagger_ui_renders_the_operations_with_the_network_blocked(server: RunningServer) -> None:
    with BrowserSession() as browser:
        browser.goto(f"{server.url}/docs")

        assert browser.count(".opblock", minimum=2) >= 2  # /health … and our order route
        assert browser.expect("Read one order")
        assert browser.expect("docs-app")  # the schema title Swagger UI shows
        browser.screenshot("docs-swagger-offline.png")
        assert browser.external_requests() == []
        assert browser.console_errors() == []


def test_redoc_renders_with_the_network_blocked(server: RunningServer) -> None:
    with BrowserSession() as browser:
        browser.goto(f"{server.url}/redoc")

        assert browser.count(".api-content") == 1
        assert browser.expect("Read one order")
        browser.screenshot("docs-redoc-offline.png")
        assert browser.external_requests() == []


def test_root_redirects_to_the_dashboard(server: RunningServer) -> None:
    response = httpx.get(f"{server.url}/", follow_redirects=False)

    assert response.status_code == 307
    assert response.headers["location"] == "/dashboard/"
    assert httpx.get(f"{server.url}/", follow_redirects=True).status_code == 200
