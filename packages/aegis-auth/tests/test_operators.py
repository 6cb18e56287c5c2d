"""Operator surfaces need a superuser once auth is installed; `/health` stays public; one
setting turns the guard off. Over a real server with the worker loaded too."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest
from aegis_auth.testing import AuthProject, Client

PASSWORD = "operator password"


@pytest.fixture(scope="module")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'app.db'}"


@pytest.fixture(scope="module")
def tokens(auth_project: AuthProject, api: Client) -> dict[str, str]:
    admin, user = f"a{uuid.uuid4().hex[:8]}@example.com", f"u{uuid.uuid4().hex[:8]}@example.com"
    made = auth_project.cli(
        "create-user", admin, "--superuser", "--password-stdin", stdin=f"{PASSWORD}\n"
    )
    assert made.returncode == 0, made.output
    api.register(user, PASSWORD)
    return {
        "superuser": api.login(admin, PASSWORD)["access_token"],
        "user": api.login(user, PASSWORD)["access_token"],
    }


def _get(client: Client, path: str, token: str | None = None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.get(f"{client.url}{path}", headers=headers, timeout=30)


def test_health_stays_public(api: Client) -> None:
    assert _get(api, "/health").status_code in (200, 503)


def test_detailed_health_needs_a_superuser(api: Client, tokens: dict[str, str]) -> None:
    anonymous = _get(api, "/health/detailed")
    assert anonymous.status_code == 401 and anonymous.headers["www-authenticate"] == "Bearer"
    assert "superuser" in anonymous.json()["detail"]
    assert _get(api, "/health/detailed", tokens["user"]).status_code == 403
    assert _get(api, "/health/detailed", "forged.token.here").status_code == 401
    allowed = _get(api, "/health/detailed", tokens["superuser"])
    assert allowed.status_code in (200, 503) and "auth" in allowed.json()["services"]


def test_worker_api_needs_a_superuser(
    auth_project: AuthProject, tokens: dict[str, str], redis_url: str
) -> None:
    with auth_project.serve(AEGIS_COMPONENTS="auth,database,worker", REDIS_URL=redis_url) as api:
        assert _get(api, "/api/worker/tasks").status_code == 401
        assert _get(api, "/api/worker/tasks", tokens["user"]).status_code == 403
        listed = _get(api, "/api/worker/tasks", tokens["superuser"])
        assert listed.status_code == 200, listed.text
        enqueue = httpx.post(f"{api.url}/api/worker/tasks/ping", json={}, timeout=30)
        assert enqueue.status_code == 401, "enqueueing is an operator action"
        assert _get(api, "/api/auth/me", tokens["user"]).status_code == 200, "users' API is not"


def test_one_setting_turns_the_guard_off(auth_project: AuthProject) -> None:
    with auth_project.serve(AUTH_PROTECT_OPERATOR_SURFACES="false") as api:
        assert _get(api, "/health/detailed").status_code in (200, 503)
