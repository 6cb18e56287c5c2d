"""`get_system_status()` and `HealthResponse`: the health API for code, as the docs use it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from aegis_core import CoreSettings, create_app
from aegis_core.system import HealthResponse, get_system_status
from aegis_core.testing import RunningServer, run_server

APP = """
from aegis_core import CoreSettings, create_app

app = create_app(
    CoreSettings(APP_NAME="system-app", DASHBOARD_ENABLED=False), project_package="no_project"
)
"""


@pytest.fixture(autouse=True)
def no_components(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AEGIS_COMPONENTS", "none")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    root = tmp_path_factory.mktemp("system-app")
    (root / "systemapp.py").write_text(APP)
    with run_server("systemapp:app", cwd=root, env={"AEGIS_COMPONENTS": "none"}) as running:
        yield running


async def test_in_the_app_process_it_asks_the_apps_own_runtime() -> None:
    create_app(CoreSettings(APP_NAME="in-process", DASHBOARD_ENABLED=False), project_package="x")

    status = await get_system_status()

    assert status.overall_healthy is True
    assert status.app_name == "in-process"
    assert status.components["backend"].status == "healthy"
    assert status.components["frontend"].message.startswith("dashboard disabled")


async def test_without_an_app_it_checks_the_installed_components(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import aegis_core.runtime

    monkeypatch.setattr(aegis_core.runtime, "_current", None)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("APP_NAME", "from-env")

    status = await get_system_status()

    assert status.app_name == "from-env"
    assert status.overall_healthy == status.healthy
    assert {"backend", "frontend"} <= set(status.components)


def test_health_response_validates_the_health_reply(server: RunningServer) -> None:
    response = httpx.get(f"{server.url}/health", timeout=10)

    health_data = HealthResponse.model_validate(response.json())

    assert health_data.healthy is True
    assert set(health_data.components) == {"backend", "frontend"}
