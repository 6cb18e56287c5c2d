"""The kernel end to end: installed components, a real uvicorn, the project CLI, a real browser.

Four demo components are installed for real (dist-info folders on the server's PYTHONPATH):
`good` (router, dashboard card, CLI sub-app), `hang` (its health check never answers),
`legacy` (supports an older aegis-core) and `broken` (fails to import). A tiny project package
(`app/main.py` calling `create_app`, `app/components/backend/api/routing.py`, `app/cli/main.py`
calling `build_cli`) is served by uvicorn once for the whole module.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from aegis_core import __version__ as core_version
from aegis_core.dashboard.mount import CONTENT_SECURITY_POLICY
from aegis_core.testing import RunningServer, free_port, run_server, wait_until

from tests.browser.browser import render_dashboard, requests_that_left, unexpected_console_errors

HEALTH_TIMEOUT = 0.5
MARGIN = 1.5
"""Seconds allowed on top of the health timeout: a shared 2-core machine, HTTP, JSON."""
ALL_DEMO = "good,hang,legacy,broken"
APP_NAME = "demo-app"

PROJECT = {
    "app/__init__.py": "",
    "app/main.py": """
        from aegis_core import CoreSettings, create_app
        from aegis_core.settings import compose_settings


        class Settings(CoreSettings):
            APP_NAME: str = "demo-app"


        app = create_app(compose_settings(Settings))
    """,
    "app/cli/__init__.py": "",
    "app/cli/main.py": """
        from aegis_core.cli import build_cli

        cli = build_cli("demo-app")
    """,
    "app/components/__init__.py": "",
    "app/components/backend/__init__.py": "",
    "app/components/backend/api/__init__.py": "",
    "app/components/backend/api/routing.py": """
        from fastapi import APIRouter

        router = APIRouter()


        @router.get("/project/echo")
        async def echo() -> dict[str, str]:
            return {"echo": "from the project"}


        @router.get("/good/motto")
        async def motto() -> dict[str, str]:
            return {"motto": "the project's"}
    """,
}


@pytest.fixture(scope="module")
def project_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("project")
    for relative, source in PROJECT.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source).lstrip())
    return root


def project_env(project_dir: Path, demo_site: Path, enabled: str) -> dict[str, str]:
    return {
        "PYTHONPATH": os.pathsep.join([str(project_dir), str(demo_site)]),
        "AEGIS_COMPONENTS": enabled,
        "HEALTH_CHECK_TIMEOUT": str(HEALTH_TIMEOUT),
        "HEALTH_CACHE_SECONDS": "0",  # every request runs the checks: timings are real
        "DASHBOARD_REFRESH_SECONDS": "0.2",  # often enough to race the browser's goodbye
        "CI": os.environ.get("CI", ""),
    }


@pytest.fixture(scope="module")
def server(project_dir: Path, demo_site: Path) -> Iterator[RunningServer]:
    env = project_env(project_dir, demo_site, ALL_DEMO)
    with run_server("app.main:app", cwd=project_dir, env=env) as running:
        yield running


@pytest.fixture(scope="module")
def server_without_hang(project_dir: Path, demo_site: Path) -> Iterator[RunningServer]:
    env = project_env(project_dir, demo_site, "good,legacy,broken")
    with run_server("app.main:app", cwd=project_dir, env=env) as running:
        yield running


def run_cli(
    project_dir: Path, demo_site: Path, *args: str, enabled: str = ALL_DEMO
) -> subprocess.CompletedProcess[str]:
    """The project CLI as a user runs it: a fresh process, components discovered in it."""
    return subprocess.run(
        [sys.executable, "-c", "from app.cli.main import cli; cli(prog_name='demo-app')", *args],
        cwd=project_dir,
        env={**os.environ, **project_env(project_dir, demo_site, enabled)},
        capture_output=True,
        text=True,
        timeout=60,
    )


# --- /health over HTTP ---------------------------------------------------------------------


def test_health_answers_in_time_and_reports_every_part(server: RunningServer) -> None:
    started = time.perf_counter()
    response = server.get("/health")
    elapsed = time.perf_counter() - started

    assert elapsed < HEALTH_TIMEOUT + MARGIN
    assert response.status_code == 503
    body = response.json()
    parts = body["components"]
    assert set(parts) == {"backend", "frontend", "good", "hang", "legacy", "broken"}
    assert (body["status"], body["healthy"]) == ("unhealthy", False)
    assert parts["good"] == {"status": "healthy", "message": "all jobs flowing"}
    assert parts["hang"] == {
        "status": "unhealthy",
        "message": f"health check did not answer within {HEALTH_TIMEOUT:g}s",
    }
    assert parts["frontend"]["status"] == "healthy"
    assert parts["backend"]["status"] != "unhealthy"


def test_incompatible_and_broken_components_say_what_is_wrong(server: RunningServer) -> None:
    parts = server.get("/health").json()["components"]

    legacy, broken = parts["legacy"], parts["broken"]
    assert legacy["status"] == broken["status"] == "warning"  # reported, never fatal
    assert "aegis-demo-legacy 0.0.9 supports aegis-core <0.1" in legacy["message"]
    assert "uv lock --upgrade-package aegis-demo-legacy" in legacy["message"]
    assert "ImportError: libfoo.so.1: cannot open shared object file" in broken["message"]


def test_detailed_health_is_a_tree_with_timings_versions_and_metadata(
    server: RunningServer,
) -> None:
    response = server.get("/health/detailed")

    assert response.status_code == 503
    body = response.json()
    assert (body["app_name"], body["aegis_core_version"]) == (APP_NAME, core_version)
    good = body["components"]["good"]
    assert good["version"] == "1.2.3"
    assert isinstance(good["response_time_ms"], float)
    assert good["metadata"] == {"queue_depth": 3, "mode": "demo"}
    assert good["sub_components"]["cache"]["status"] == "healthy"
    hang = body["components"]["hang"]
    assert hang["version"] == "0.3.0"  # known even though its check never answered
    assert hang["response_time_ms"] >= HEALTH_TIMEOUT * 1000 * 0.95  # loop clock granularity
    assert body["components"]["legacy"]["metadata"]["package"] == "aegis-demo-legacy"
    backend = body["components"]["backend"]["metadata"]
    assert backend["process_rss_mb"] > 0
    assert backend["hostname"] == socket.gethostname()  # which replica answered
    assert body["components"]["frontend"]["version"]  # the installed flet


def test_component_and_project_routes_are_served_under_the_api_prefix(
    server: RunningServer,
) -> None:
    assert server.get("/api/good/ping").json() == {"pong": True, "component": "good"}
    assert server.get("/api/project/echo").json() == {"echo": "from the project"}


def test_a_project_route_wins_over_a_component_route_at_the_same_path(
    server: RunningServer,
) -> None:
    """The project's code is the customisation point: a user who writes a route a component
    also serves (say `POST /ai/chat` with a login) gets theirs."""
    assert server.get("/api/good/motto").json() == {"motto": "the project's"}


# --- the project CLI, as a subprocess --------------------------------------------------------


def test_cli_status_json_exits_1_when_unhealthy(
    server: RunningServer, project_dir: Path, demo_site: Path
) -> None:
    result = run_cli(project_dir, demo_site, "health", "status", "--json", "--url", server.url)

    assert result.returncode == 1, result.stderr
    summary = json.loads(result.stdout)
    assert summary["status"] == "unhealthy"
    assert summary["components"]["hang"]["status"] == "unhealthy"


def test_cli_status_detailed_prints_the_tree(
    server: RunningServer, project_dir: Path, demo_site: Path
) -> None:
    result = run_cli(project_dir, demo_site, "health", "status", "--detailed", "--url", server.url)

    assert result.returncode == 1, result.stderr
    out = result.stdout
    assert APP_NAME in out and "unhealthy" in out
    assert "good v1.2.3 healthy all jobs flowing" in out
    assert "queue_depth: 3" in out and "cache" in out
    assert "did not answer within" in out


def test_cli_probe_exit_code_follows_health(
    server: RunningServer,
    server_without_hang: RunningServer,
    project_dir: Path,
    demo_site: Path,
) -> None:
    sick = run_cli(project_dir, demo_site, "health", "probe", "--url", server.url)
    fine = run_cli(project_dir, demo_site, "health", "probe", "--url", server_without_hang.url)

    assert (sick.returncode, sick.stdout.strip()) == (1, "unhealthy")
    assert (fine.returncode, fine.stdout.strip()) == (0, "warning"), fine.stderr  # legacy/broken


def test_cli_components_lists_versions_and_problems(project_dir: Path, demo_site: Path) -> None:
    result = run_cli(project_dir, demo_site, "components", "--json")

    assert result.returncode == 0, result.stderr
    rows = {row["name"]: row for row in json.loads(result.stdout)["components"]}
    assert (rows["good"]["status"], rows["good"]["version"]) == ("loaded", "1.2.3")
    assert rows["hang"]["status"] == "loaded"
    assert (rows["legacy"]["status"], rows["legacy"]["version"]) == ("incompatible", "0.0.9")
    assert rows["broken"]["status"] == "broken"


def test_cli_includes_the_component_sub_app(project_dir: Path, demo_site: Path) -> None:
    result = run_cli(project_dir, demo_site, "good", "hello", "--name", "aegis")

    assert (result.returncode, result.stdout) == (0, "hello aegis from good\n"), result.stderr


@pytest.mark.parametrize("command", [("health", "status"), ("health", "probe")])
def test_cli_against_nothing_listening_is_one_line_and_exit_1(
    command: tuple[str, ...], project_dir: Path, demo_site: Path
) -> None:
    url = f"http://127.0.0.1:{free_port()}"

    result = run_cli(project_dir, demo_site, *command, "--url", url, "--timeout", "2")

    assert result.returncode == 1
    output = (result.stdout + result.stderr).strip()
    assert len(output.splitlines()) == 1, output
    assert "Traceback" not in output
    assert url in output


# --- the dashboard -------------------------------------------------------------------------


def test_dashboard_is_served_offline_without_a_browser(server: RunningServer) -> None:
    page = server.get("/dashboard/")
    script = server.get("/dashboard/main.dart.js")
    bare = server.get("/dashboard", follow_redirects=False)

    assert page.status_code == 200
    assert "flet.noCdn=true;" in page.text  # the CDN-free build, not Flet's default page
    assert '<base href="/dashboard/">' in page.text
    assert 'flet.webSocketEndpoint="/dashboard/ws"' in page.text
    assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert script.status_code == 200 and len(script.content) > 1_000_000
    assert script.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert bare.status_code == 307 and bare.headers["location"].endswith("/dashboard/")
    assert "content-security-policy" not in server.get("/api/good/ping").headers


def frontend_sessions(server: RunningServer) -> dict[str, int]:
    metadata = server.get("/health/detailed").json()["components"]["frontend"]["metadata"]
    return {k: metadata[k] for k in ("refreshing_sessions", "sessions_opened")}


def test_dashboard_renders_in_a_real_browser_and_stops_refreshing_when_closed(
    server: RunningServer,
) -> None:
    before = frontend_sessions(server)
    expected = [
        APP_NAME,
        "UNHEALTHY",
        "Good Component",
        "v1.2.3",
        "Queue depth",
        "all jobs flowing",
        "Backend",
        "Frontend",
        f"health check did not answer within {HEALTH_TIMEOUT:g}s",
    ]

    report = render_dashboard(f"{server.url}/dashboard/", expected, "core-dashboard.png")

    assert report["missing"] == [], report
    assert requests_that_left(report) == [], report
    assert unexpected_console_errors(report) == [], report
    assert Path(report["screenshot"]).stat().st_size > 10_000
    # The browser is gone: its session's refresh loop must be too (no leaked task).
    after = {"refreshing_sessions": 0, "sessions_opened": before["sessions_opened"] + 1}
    assert wait_until(lambda: frontend_sessions(server) == after, timeout=5), frontend_sessions(
        server
    )
