"""/docs and /redoc point at this server's own assets, also behind a proxy's path prefix."""

from __future__ import annotations

import httpx
import pytest
from aegis_core import CoreSettings, create_app


@pytest.mark.parametrize("root_path", ["", "/gw"])
async def test_docs_pages_load_everything_from_this_server(
    root_path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AEGIS_COMPONENTS", "none")
    app = create_app(CoreSettings(APP_NAME="docs-app"), project_package="no_project")
    transport = httpx.ASGITransport(app=app, root_path=root_path)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        swagger = await client.get(f"{root_path}/docs")  # as uvicorn --root-path passes it
        redoc = await client.get(f"{root_path}/redoc")
        script = await client.get(f"{root_path}/docs-assets/swagger-ui-bundle.js")

    assert f"url: '{root_path}/openapi.json'" in swagger.text
    assert f'src="{root_path}/docs-assets/swagger-ui-bundle.js"' in swagger.text
    assert f'spec-url="{root_path}/openapi.json"' in redoc.text
    assert "https://" not in swagger.text.split("<body>")[0]  # no CDN in the head
    assert script.status_code == 200 and "SwaggerUIBundle" in script.text
    policy = swagger.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "https:" not in policy
