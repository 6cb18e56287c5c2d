"""The server keeps the dashboard's history on its own, with no browser connected."""

from __future__ import annotations

import pytest
from aegis_core import CoreSettings, create_app
from aegis_core.dashboard.history import SAMPLE_SECONDS, History
from aegis_core.dashboard.sampler import sample_once
from aegis_core.runtime import AegisRuntime
from aegis_core.testing import wait_until
from fastapi.testclient import TestClient


def _app(monkeypatch: pytest.MonkeyPatch) -> tuple[TestClient, AegisRuntime]:
    monkeypatch.setenv("AEGIS_COMPONENTS", "none")
    app = create_app(CoreSettings(APP_NAME="sampled-app"), project_package="no_project")
    return TestClient(app), app.state.aegis


def test_history_grows_from_the_lifespan_without_any_dashboard_session(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client, runtime = _app(monkeypatch)
    sessions = runtime.dashboard_sessions
    assert sessions is not None

    with client:  # runs the app's lifespan; the dashboard is never requested
        sampled = wait_until(lambda: sessions.history.latency.points, 10)
        assert sampled, "no health sample within 10 s of start-up"
        assert sessions.opened == 0
        assert len(sessions.history.latency.points) == 1
        assert sessions.history.latency.values[0] > 0


def test_without_the_lifespan_nothing_is_sampled(monkeypatch: pytest.MonkeyPatch) -> None:
    _, runtime = _app(monkeypatch)
    assert runtime.dashboard_sessions is not None
    assert not runtime.dashboard_sessions.history.latency.points


async def test_a_sample_a_session_just_took_is_not_taken_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, runtime = _app(monkeypatch)
    clock = [100.0]
    history = History()
    history._now = lambda: clock[0]

    assert await sample_once(runtime, history)
    clock[0] += SAMPLE_SECONDS / 2  # e.g. a dashboard tab refreshed in between
    assert not await sample_once(runtime, history)
    clock[0] += SAMPLE_SECONDS
    assert await sample_once(runtime, history)
    assert len(history.latency.points) == 2
