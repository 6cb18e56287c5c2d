"""Real Traefik, configured by the files `aegis add ingress` writes, in front of a real uvicorn.

Clients bind their source address: 127.0.0.1 is in ADMIN_IP_ALLOWLIST, 127.0.0.2 is not.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import httpx
from aegis_core.testing import wait_until
from aegis_ingress.testing import Stack, traefik_binary

ADMIN_PAGES = ("/docs", "/redoc", "/openapi.json", "/dashboard/")


def client(source: str) -> httpx.Client:
    return httpx.Client(transport=httpx.HTTPTransport(local_address=source), timeout=10)


def test_traefik_routes_requests_to_the_app(stack: Stack) -> None:
    with client("127.0.0.2") as outsider:
        response = outsider.get(f"{stack.traefik.web}/api/hello")
    assert response.status_code == 200
    assert response.json() == {"hello": "world"}


def test_admin_pages_admit_the_allowlist_and_refuse_anyone_else(stack: Stack) -> None:
    with client("127.0.0.1") as insider, client("127.0.0.2") as outsider:
        for page in ADMIN_PAGES:
            assert insider.get(f"{stack.traefik.web}{page}").status_code == 200, page
            refused = outsider.get(f"{stack.traefik.web}{page}")
            assert refused.status_code == 403, page
            assert "for operators" not in refused.text


def test_a_route_tagged_admin_is_refused_by_the_app_behind_traefik(stack: Stack) -> None:
    """Traefik knows only the core admin paths; the app, told the client by its trusted proxy,
    refuses the outsider on a component's operator route too."""
    with client("127.0.0.1") as insider, client("127.0.0.2") as outsider:
        assert insider.get(f"{stack.traefik.web}/api/ops/secret").json() == {
            "secret": "for operators"
        }
        refused = outsider.get(f"{stack.traefik.web}/api/ops/secret")
    assert refused.status_code == 403
    assert "ADMIN_IP_ALLOWLIST" in refused.json()["detail"]


def test_a_forged_forwarded_for_gets_nothing(stack: Stack) -> None:
    forged = {"X-Forwarded-For": "127.0.0.1"}
    with client("127.0.0.2") as outsider:
        through_traefik = outsider.get(f"{stack.traefik.web}/docs", headers=forged)
        to_the_app = outsider.get(f"{stack.app.url}/docs", headers=forged)
        operator_route = outsider.get(f"{stack.app.url}/api/ops/secret", headers=forged)
        public = outsider.get(f"{stack.app.url}/api/hello", headers=forged)
    assert through_traefik.status_code == 403
    assert to_the_app.status_code == 403, "the app's own check ignores an untrusted peer's header"
    assert operator_route.status_code == 403
    assert public.status_code == 200


def test_health_reports_traefik_routers(stack: Stack) -> None:
    with client("127.0.0.1") as insider:
        body = insider.get(f"{stack.app.url}/health/detailed").json()
    ingress = body["components"]["ingress"]
    assert ingress["status"] == "healthy", ingress
    names = {router["name"] for router in ingress["metadata"]["routers"]}
    assert {"app@file", "admin@file"} <= names


def test_health_warns_quickly_when_traefik_is_gone(own_stack: Stack) -> None:
    stack = own_stack
    stack.traefik.process.terminate()
    stack.traefik.process.wait(timeout=10)

    def ingress() -> dict[str, Any]:
        body = httpx.get(f"{stack.app.url}/health/detailed", timeout=10).json()
        return dict(body["components"]["ingress"])

    wait_until(lambda: ingress()["status"] == "warning", 15, what="a warning about Traefik")
    seen = ingress()
    assert "does not answer" in seen["message"]
    assert httpx.get(f"{stack.app.url}/health", timeout=10).status_code == 200, (
        "the app still serves: the proxy being down is a warning, not a 503"
    )


def test_the_container_healthcheck_command_passes_against_the_running_traefik(
    stack: Stack,
) -> None:
    """compose/ingress.yml checks `traefik healthcheck --ping`; here on the test's port."""
    address = stack.traefik.internal.removeprefix("http://")
    result = subprocess.run(
        [traefik_binary(), "healthcheck", "--ping", f"--entryPoints.traefik.address={address}"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_dashboard_card_shows_the_allowlist_and_each_router(stack: Stack) -> None:
    from aegis_core.health.models import ComponentHealth
    from aegis_core.testing import dashboard_view
    from aegis_ingress.component import component

    body = httpx.get(f"{stack.app.url}/health/detailed", timeout=10).json()
    card = dashboard_view(ComponentHealth.model_validate(body["components"]["ingress"]), component)
    rows = dict(card.rows)
    assert card.title == "Ingress"
    assert rows["Admin allowlist"] == "127.0.0.1/32"
    assert rows["Router admin@file"] == rows["Router app@file"] == "enabled"
    assert stack.traefik.internal.endswith(rows["Traefik"])


def test_without_traefik_health_says_the_app_guards_alone(tmp_path: Path) -> None:
    from aegis_core.health.models import HealthStatus
    from aegis_core.testing import user_view

    view = user_view("ingress", project_dir=tmp_path)
    assert view.health.status is HealthStatus.INFO
    assert "the app guards its admin pages" in view.health.message
    assert view.http_status == 200
    assert view.listing["status"] != "not built"


async def test_health_gives_up_on_a_traefik_that_never_answers() -> None:
    """A listener that accepts connections and says nothing: health ends with a warning
    instead of hanging /health with it."""
    import socket

    from aegis_core.health.models import HealthStatus
    from aegis_ingress.health import check_ingress
    from aegis_ingress.settings import IngressSettings

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        health = await check_ingress(IngressSettings(INGRESS_TRAEFIK_URL=url))
    assert health.status is HealthStatus.WARNING
    assert health.message.startswith(f"Traefik at {url} does not answer")
