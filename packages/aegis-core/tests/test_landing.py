"""`/` redirects to the landing page; `LANDING_PATH` can only name a page on this server."""

from __future__ import annotations

import httpx
import pytest
from aegis_core import CoreSettings, create_app
from aegis_core.settings_errors import SettingsError, load


async def root_location(settings: CoreSettings, root_path: str = "") -> str:
    app = create_app(settings, project_package="no_project")
    transport = httpx.ASGITransport(app=app, root_path=root_path)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get(f"{root_path}/")
    assert response.status_code == 307
    return response.headers["location"]


@pytest.mark.parametrize(
    ("settings", "location"),
    [
        ({}, "/dashboard/"),
        ({"DASHBOARD_PATH": "/console"}, "/console/"),
        ({"DASHBOARD_ENABLED": False}, "/docs"),
        ({"LANDING_PATH": "/redoc"}, "/redoc"),
    ],
)
async def test_root_redirects_to_the_landing_page(
    settings: dict[str, object], location: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AEGIS_COMPONENTS", "none")

    assert await root_location(CoreSettings(**settings)) == location  # type: ignore[arg-type]


async def test_behind_a_proxy_prefix_the_redirect_keeps_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AEGIS_COMPONENTS", "none")

    assert await root_location(CoreSettings(), root_path="/gw") == "/gw/dashboard/"


@pytest.mark.parametrize(
    "bad", ["docs", "//evil.example", "https://evil.example/", "/a\\b", "/x\n", "/" + "a" * 300]
)
def test_landing_path_off_this_server_is_refused_in_one_line(bad: str) -> None:
    with pytest.raises(SettingsError) as error:
        load(CoreSettings, LANDING_PATH=bad)

    message = str(error.value)
    assert "\n" not in message
    assert message.startswith("LANDING_PATH=") and "must be a path on this server" in message
