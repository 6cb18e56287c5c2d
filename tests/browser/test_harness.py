"""The browser harness itself: missing prerequisites are named, a missing text is reported
(not raised), a page that never loads is a harness error."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from aegis_core.testing import RunningServer, free_port, run_server

from tests.browser.browser import (
    BrowserHarnessError,
    ensure_prerequisites,
    render_dashboard,
    requests_that_left,
)

APP = """
from aegis_core import CoreSettings, create_app

app = create_app(CoreSettings(APP_NAME="harness-app"), project_package="no_project")
"""


@pytest.mark.parametrize(
    ("ci", "outcome"), [("", pytest.skip.Exception), ("true", pytest.fail.Exception)]
)
def test_missing_chromium_is_named_and_fails_under_ci(
    ci: str, outcome: type[BaseException], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", ci)
    monkeypatch.setenv("CHROMIUM", "/nonexistent/chromium")

    with pytest.raises(outcome, match="chromium at /nonexistent/chromium"):
        ensure_prerequisites()


def test_missing_node_is_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CI", "true")
    # chromium is present (any executable will do), so the check reaches node: on a machine
    # without chromium this test must still be about node, not fail one step earlier
    fake_chromium = tmp_path / "chromium"
    fake_chromium.write_text("#!/bin/sh\n")
    fake_chromium.chmod(0o755)
    monkeypatch.setenv("CHROMIUM", str(fake_chromium))
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # no node, no npm

    with pytest.raises(pytest.fail.Exception, match="node >= 18 on PATH"):
        ensure_prerequisites()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    root = tmp_path_factory.mktemp("harness")
    (root / "harness_app.py").write_text(APP)
    with run_server("harness_app:app", cwd=root, env={"AEGIS_COMPONENTS": "none"}) as running:
        yield running


def test_a_missing_text_is_reported_and_the_page_stays_local(server: RunningServer) -> None:
    report = render_dashboard(
        f"{server.url}/dashboard/",
        ["harness-app", "no such text anywhere"],
        "harness.png",
        timeout=6,  # the missing text costs the whole timeout
    )

    assert report["found"] == ["harness-app"]
    assert report["missing"] == ["no such text anywhere"]
    assert requests_that_left(report) == []
    assert Path(report["screenshot"]).is_file()


def test_a_page_that_never_loads_is_a_harness_error() -> None:
    url = f"http://127.0.0.1:{free_port()}/dashboard/"

    with pytest.raises(BrowserHarnessError, match="ERR_CONNECTION_REFUSED"):
        render_dashboard(url, ["anything"], "never.png", timeout=5)
