"""The dashboard's tab and home-screen icons are the app's own, not Flet's logo."""

from __future__ import annotations

import struct
from pathlib import Path

import flet_web
import httpx
import pytest
from aegis_core import CoreSettings, create_app

FLET_WEB = Path(flet_web.__file__).parent / "web"


@pytest.mark.parametrize(
    ("path", "size"),
    [("favicon.png", 64), ("icons/icon-192.png", 192), ("icons/icon-512.png", 512)],
)
async def test_icons_are_ours(path: str, size: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AEGIS_COMPONENTS", "none")
    app = create_app(CoreSettings(APP_NAME="icon-app"), project_package="no_project")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get(f"/dashboard/{path}")

    assert response.status_code == 200 and response.headers["content-type"] == "image/png"
    assert response.content.startswith(b"\x89PNG")
    assert struct.unpack(">II", response.content[16:24]) == (size, size)
    assert response.content != (FLET_WEB / path).read_bytes()
