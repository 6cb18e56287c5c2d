"""Project hooks discovered from a real project package written to a temp folder."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from aegis_core import CoreSettings, create_app
from aegis_core.hooks import HookError, discover_hooks, import_optional
from fastapi.testclient import TestClient

MakeProject = Callable[[dict[str, str]], str]

SETTINGS = CoreSettings(DASHBOARD_ENABLED=False)

MIDDLEWARE = """
    def register_middleware(app):
        @app.middleware("http")
        async def tag(request, call_next):
            response = await call_next(request)
            response.headers["x-project"] = "hooked"
            return response
"""

RECORDING_HOOK = """
    async def {function}(app):
        app.state.events = [*getattr(app.state, "events", []), "{event}"]
"""

FAILING_HOOK = """
    async def {function}(app):
        raise RuntimeError("{message}")
"""

ROUTES = """
    from fastapi import APIRouter

    router = APIRouter()

    @router.get("/echo")
    async def echo() -> dict[str, str]:
        return {"echo": "project"}
"""


def hook(template: str, function: str, **values: str) -> str:
    return template.format(function=function, **values)


@pytest.fixture(autouse=True)
def no_components(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AEGIS_COMPONENTS", "none")


def test_middleware_startup_shutdown_and_routes_are_picked_up(
    project_package: MakeProject,
) -> None:
    package = project_package(
        {
            "components/backend/middleware/tag.py": MIDDLEWARE,
            "components/backend/startup/b_second.py": hook(
                RECORDING_HOOK, "startup_hook", event="start-2"
            ),
            "components/backend/startup/a_first.py": hook(
                RECORDING_HOOK, "startup_hook", event="start-1"
            ),
            "components/backend/shutdown/close.py": hook(
                RECORDING_HOOK, "shutdown_hook", event="stop"
            ),
            "components/backend/api/routing.py": ROUTES,
        }
    )
    app = create_app(SETTINGS, project_package=package)

    with TestClient(app) as client:
        response = client.get("/api/echo")
        assert app.state.events == ["start-1", "start-2"]  # file-name order

    assert response.json() == {"echo": "project"}
    assert response.headers["x-project"] == "hooked"
    assert app.state.events == ["start-1", "start-2", "stop"]


NO_PARAMETER_HOOKS = """
    from pathlib import Path

    EVENTS = Path(__file__).with_name("events.log")

    async def startup_hook() -> None:
        with EVENTS.open("a") as events:
            events.write("async-start\\n")

    def shutdown_hook():
        with EVENTS.open("a") as events:
            events.write("sync-stop\\n")
"""


def test_hooks_without_a_parameter_run_like_the_others(project_package: MakeProject) -> None:
    """`async def startup_hook()` (no app parameter) starts the app instead of failing it."""
    package = project_package(
        {
            "components/backend/startup/warm.py": NO_PARAMETER_HOOKS,
            "components/backend/shutdown/close.py": NO_PARAMETER_HOOKS,
        }
    )
    app = create_app(SETTINGS, project_package=package)

    with TestClient(app) as client:
        assert client.get("/health").status_code == 200

    import importlib

    startup = importlib.import_module(f"{package}.components.backend.startup.warm")
    shutdown = importlib.import_module(f"{package}.components.backend.shutdown.close")
    assert startup.EVENTS.read_text() == "async-start\n"
    assert shutdown.EVENTS.read_text() == "sync-stop\n"


def test_failing_startup_hook_stops_startup_and_names_the_module(
    project_package: MakeProject,
) -> None:
    package = project_package(
        {
            "components/backend/startup/cache.py": hook(
                FAILING_HOOK, "startup_hook", message="cache unreachable"
            ),
            "components/backend/shutdown/close.py": hook(
                RECORDING_HOOK, "shutdown_hook", event="stop"
            ),
        }
    )
    app = create_app(SETTINGS, project_package=package)

    with pytest.raises(HookError) as failure, TestClient(app):
        pass

    assert f"startup hook {package}.components.backend.startup.cache failed" in str(failure.value)
    assert "cache unreachable" in str(failure.value)
    assert "stop" not in getattr(app.state, "events", [])  # never started: nothing to shut down


def test_failing_shutdown_hook_is_logged_and_the_others_still_run(
    project_package: MakeProject, caplog: pytest.LogCaptureFixture
) -> None:
    package = project_package(
        {
            "components/backend/shutdown/a_fails.py": hook(
                FAILING_HOOK, "shutdown_hook", message="flush failed"
            ),
            "components/backend/shutdown/b_runs.py": hook(
                RECORDING_HOOK, "shutdown_hook", event="b-stopped"
            ),
        }
    )
    app = create_app(SETTINGS, project_package=package)

    with caplog.at_level(logging.ERROR, logger="aegis.hooks"), TestClient(app):
        pass

    assert app.state.events == ["b-stopped"]
    assert f"shutdown hook {package}.components.backend.shutdown.a_fails failed" in caplog.text


def test_failing_middleware_or_broken_hook_module_stops_the_app(
    project_package: MakeProject,
) -> None:
    bad_middleware = project_package(
        {"components/backend/middleware/bad.py": "def register_middleware(app):\n    1 / 0\n"}
    )
    broken_module = project_package({"components/backend/startup/typo.py": "import nope_x\n"})

    with pytest.raises(HookError, match=rf"middleware hook {bad_middleware}\..*bad failed"):
        create_app(SETTINGS, project_package=bad_middleware)
    with pytest.raises(HookError, match=rf"{broken_module}\..*typo failed to import"):
        create_app(SETTINGS, project_package=broken_module)


def test_module_without_the_function_is_skipped_with_a_warning(
    project_package: MakeProject, caplog: pytest.LogCaptureFixture
) -> None:
    package = project_package({"components/backend/startup/notes.py": "VALUE = 1\n"})

    with caplog.at_level(logging.WARNING, logger="aegis.hooks"):
        hooks = discover_hooks(package)

    assert hooks.startup == ()
    assert "notes defines no startup_hook(); skipped" in caplog.text


def test_missing_project_or_folder_is_fine_but_a_broken_import_is_not(
    project_package: MakeProject,
) -> None:
    package = project_package({"components/backend/api/routing.py": "import missing_dep_x\n"})

    assert import_optional("no_such_project.components") is None
    assert import_optional(f"{package}.components.backend.startup") is None
    with pytest.raises(ModuleNotFoundError, match="missing_dep_x"):
        import_optional(f"{package}.components.backend.api.routing")


def test_the_project_package_comes_from_the_environment(
    project_package: MakeProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = project_package({"components/backend/api/routing.py": ROUTES})
    monkeypatch.setenv("AEGIS_PROJECT_PACKAGE", package)

    with TestClient(create_app(SETTINGS)) as client:
        assert client.get("/api/echo").json() == {"echo": "project"}
