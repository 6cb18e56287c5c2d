"""The dashboard as an operations console, in chromium, asserted from what the page shows:
healthy, degraded (jobs piling up with no worker), broken (Redis and PostgreSQL unreachable),
and the server going away and coming back. Screenshots at desktop and phone sizes are kept
in test-artifacts/; axe-core finds no serious accessibility violation."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import httpx
import pytest
from aegis_core.testing import free_port, require, run_server, start_private_redis

from tests.browser.session import BrowserSession

APP = """
from aegis_core import CoreSettings, create_app

app = create_app(
    CoreSettings(APP_NAME="console-app", DASHBOARD_REFRESH_SECONDS=1),
    project_package="no_project",
)
"""
SIZES = {"desktop": (1280, 800), "phone": (390, 844)}
JOBS_WAITING = 40


def app_dir(tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    root = tmp_path_factory.mktemp(name)
    (root / "console_app.py").write_text(APP)
    (root / "data").mkdir()
    return root


def screenshots(browser: BrowserSession, state: str) -> None:
    for size, (width, height) in SIZES.items():
        browser.viewport(width, height)
        assert Path(browser.screenshot(f"dashboard-{state}-{size}.png")).stat().st_size > 0
    browser.viewport(*SIZES["desktop"])


@pytest.fixture(scope="module")
def healthy_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return app_dir(tmp_path_factory, "healthy")


def test_healthy_says_so_and_shows_readable_cards(healthy_root: Path) -> None:
    env = {"AEGIS_COMPONENTS": "none"}
    with (
        run_server("console_app:app", cwd=healthy_root, env=env) as server,
        BrowserSession() as browser,
    ):
        browser.goto(f"{server.url}/", flet=True)  # `/` leads to the dashboard

        assert browser.expect("All 2 parts are working"), browser.body_text()
        # text is selectable: a drag and Ctrl+C copy it, as into a ticket
        assert browser.select_and_copy("All 2 parts are working") == "All 2 parts are working"
        assert browser.expect("used by this process"), browser.body_text()  # a number with its unit
        assert browser.expect("Health checks:"), browser.body_text()  # the history line
        text = browser.body_text()
        assert "Offline yes" not in text and "`" not in text
        screenshots(browser, "healthy")
        assert browser.serious_accessibility_violations() == []
        browser.color_scheme("dark")
        screenshots(browser, "healthy-dark")
        assert browser.serious_accessibility_violations() == []
        browser.color_scheme("light")

        browser.click(role="button", name="Details of Backend")
        assert browser.expect('"process_rss_mb"'), browser.body_text()  # the raw data, in a dialog
        browser.click(role="button", name="Copy")
        copied = browser.clipboard_holding('"process_rss_mb"')
        assert '"process_rss_mb"' in copied  # ready to paste into a ticket
        browser.click(role="button", name="Close")
        assert browser.gone('"process_rss_mb"')


def test_server_down_keeps_the_last_state_greyed_and_recovers_by_itself(
    healthy_root: Path,
) -> None:
    env = {"AEGIS_COMPONENTS": "none"}
    port = free_port()
    with BrowserSession() as browser:
        with run_server("console_app:app", cwd=healthy_root, env=env, port=port) as server:
            browser.goto(f"{server.url}/dashboard/", flet=True)
            assert browser.expect("All 2 parts are working"), browser.body_text()
            time.sleep(1.5)  # let the page note the state it shows once more

        assert browser.expect("Disconnected since"), browser.body_text()
        assert browser.expect("retrying"), browser.body_text()
        assert browser.expect("All 2 parts are working"), (
            browser.body_text()
        )  # the last state is still there
        assert browser.expect("FastAPI is serving"), browser.body_text()
        browser.screenshot("dashboard-disconnected-desktop.png")

        with run_server("console_app:app", cwd=healthy_root, env=env, port=port):
            assert browser.gone("Disconnected since", timeout=30)
            assert browser.expect("All 2 parts are working"), browser.body_text()
            browser.screenshot("dashboard-reconnected-desktop.png")


def test_degraded_names_the_queue_that_piles_up(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    require(shutil.which("redis-server") is not None, "redis-server (apt-get install redis-server)")
    root = app_dir(tmp_path_factory, "degraded")
    with start_private_redis() as redis_url:
        env = {
            "AEGIS_COMPONENTS": "worker",
            "REDIS_URL": redis_url,
        }
        with run_server("console_app:app", cwd=root, env=env) as server:
            for _ in range(JOBS_WAITING):
                enqueued = httpx.post(
                    f"{server.url}/api/worker/tasks/cpu_task", json={}, timeout=10
                )
                assert enqueued.status_code == 202, enqueued.text
            with BrowserSession() as browser:
                browser.goto(f"{server.url}/dashboard/", flet=True)

                headline = "1 problem: Worker (load_test: 40 jobs due and no live worker)"
                assert browser.expect(headline), browser.body_text()
                assert browser.expect("Jobs waiting: 40 now"), browser.body_text()
                browser.viewport(*SIZES["phone"])  # one column: the order is top to bottom
                worker = browser.position(role="button", name="Details of Worker")
                backend = browser.position(role="button", name="Details of Backend")
                assert worker[1] < backend[1]  # the problem comes first
                screenshots(browser, "degraded")
                assert browser.serious_accessibility_violations() == []


def test_broken_names_every_problem_in_the_header(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    root = app_dir(tmp_path_factory, "broken")
    nothing_there = free_port()
    env = {
        "AEGIS_COMPONENTS": "worker,database",
        "REDIS_URL": f"redis://127.0.0.1:{nothing_there}/0",
        "DATABASE_URL": f"postgresql://app:s3cret@127.0.0.1:{nothing_there}/shop",
    }
    with (
        run_server("console_app:app", cwd=root, env=env) as server,
        BrowserSession() as browser,
    ):
        browser.goto(f"{server.url}/dashboard/", flet=True)

        assert browser.expect("2 problems: "), browser.body_text()
        headline = next(line for line in browser.body_text().splitlines() if "problems" in line)
        assert "Worker (redis: cannot reach Redis at 127.0.0.1:" in headline
        assert "state unknown" not in headline  # one cause, said once
        assert "Database (cannot reach" in headline
        location = f"PostgreSQL at 127.0.0.1:{nothing_there}/shop"  # not a raw URL
        assert browser.expect(location), browser.body_text()
        text = browser.body_text()
        assert "s3cret" not in text and "postgresql://" not in text
        # the browser's Find reaches the error text drawn on the canvas (its text layer)
        assert browser.find(f"cannot reach Redis at 127.0.0.1:{nothing_there}")
        assert browser.find(location)
        assert not browser.find("no such text on this page")
        screenshots(browser, "broken")
        assert browser.serious_accessibility_violations() == []
