"""`aegis deploy` of a project with the ingress: `aegis add ingress`, `aegis ingress-enable`,
then deploy-init → setup → deploy to a real sshd in front of the real Docker engine (see
tests/deploy_support.py), and HTTPS through the deployed Traefik.

The server runs the project with its production overrides (docker-compose.prod.yml): only
Traefik publishes ports, on the loopback addresses `.env.deploy` gives it. Let's Encrypt is not
reachable from here, so the certificate is one the test makes (trustme) for the domain, given
to Traefik by a file in traefik/dynamic/, and the ACME resolver points at a CA nobody serves.
"""

from __future__ import annotations

import os
import re
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import trustme
import yaml
from aegis_core.testing import free_port, wait_until
from aegis_ingress.testing import UNREACHABLE_CA

from tests.containers_support import BASE_IMAGE, REDIS_IMAGE, Engine, serve_index
from tests.deploy_support import SshServer, deploy_ok, running_sshd, ship, tear_down_server
from tests.lifecycle_support import commit
from tests.support import init_project
from tests.traefik_support import TRAEFIK_IMAGE, ensure_traefik_image

pytestmark = pytest.mark.xdist_group("containers")

SLUG = "edge-api"
DOMAIN = "app.example.com"
CERTIFICATE = {
    "tls": {
        "certificates": [
            {"certFile": "/etc/traefik/dynamic/cert.pem", "keyFile": "/etc/traefik/dynamic/key.pem"}
        ]
    }
}


@pytest.fixture(scope="module")
def sshd(tmp_path_factory: pytest.TempPathFactory, docker_engine: Engine) -> Iterator[SshServer]:
    folder = tmp_path_factory.mktemp("sshd-ingress")
    with running_sshd(folder, {"DOCKER_CONFIG": docker_engine.env["DOCKER_CONFIG"]}) as server:
        yield server


def test_a_project_with_the_ingress_deploys_and_serves_https(
    tmp_path_factory: pytest.TempPathFactory,
    index_dir: Path,
    aegis_index: str,
    docker_engine: Engine,
    sshd: SshServer,
) -> None:
    ensure_traefik_image(docker_engine)
    root = tmp_path_factory.mktemp("deploy-ingress")
    http_port, https_port = free_port(), free_port()
    name = f"edge-{https_port}"
    server_path = root / "server" / "apps" / SLUG
    ca = trustme.CA()
    try:
        with serve_index(index_dir, Path(aegis_index).name) as url:
            index = {"AEGIS_INDEX": f"{url}/simple/"}
            project = init_project(root, SLUG, "database", index["AEGIS_INDEX"])
            deploy_ok(project, "add", "ingress", env=index)
            deploy_ok(project, "ingress-enable", "--domain", DOMAIN, "--email", "ops@example.com")
            configure_for_the_test(project, ca, http_port, https_port)
            commit(project, "ingress with HTTPS, ready to deploy")

            ship(project, sshd, server_path, name)

        status = deploy_ok(project, "deploy-status").stdout
        for service in ("traefik", "web"):
            assert re.search(rf"^{service}\s+running", status, re.M), status
        context = ssl.create_default_context()
        ca.configure_trust(context)
        sni = {"sni_hostname": DOMAIN}
        site = f"https://127.0.0.1:{https_port}"
        with httpx.Client(verify=context, timeout=10, headers={"Host": DOMAIN}) as browser:

            def serves_https() -> bool:
                try:
                    return browser.get(f"{site}/health", extensions=sni).status_code == 200
                except httpx.HTTPError:
                    return False

            wait_until(serves_https, 60, what="/health over HTTPS through the deployed Traefik")
            secure = browser.get(f"{site}/health", extensions=sni)
            # from the host, Traefik's client is Docker's gateway: not in the allowlist
            docs = browser.get(f"{site}/docs", extensions=sni)
            plain = browser.get(f"http://127.0.0.1:{http_port}/health")
        assert secure.json()["status"] in {"healthy", "info", "warning"}, secure.text
        assert "max-age=31536000" in secure.headers["strict-transport-security"]
        assert docs.status_code == 403, docs.text
        assert plain.status_code in (301, 308)
        assert plain.headers["location"].startswith(f"https://{DOMAIN}")
        # only Traefik publishes: the web container has no port of its own on the server
        ports = docker_engine.docker(
            "ps", "--filter", f"label=com.docker.compose.project={name}",
            "--filter", "label=com.docker.compose.service=web", "--format", "{{.Ports}}",
        )  # fmt: skip
        assert ports.returncode == 0 and "->" not in ports.stdout, ports.stdout
    finally:
        tear_down_server(name, server_path, SLUG)


def configure_for_the_test(project: Path, ca: trustme.CA, http_port: int, https_port: int) -> None:
    """A certificate for DOMAIN in traefik/dynamic/ (mounted into Traefik), an ACME CA nobody
    serves, and `.env.deploy`: local images, Traefik on loopback ports of this shared machine."""
    issued = ca.issue_cert(DOMAIN)
    dynamic = project / "traefik" / "dynamic"
    issued.cert_chain_pems[0].write_to_path(str(dynamic / "cert.pem"))
    issued.private_key_pem.write_to_path(str(dynamic / "key.pem"))
    os.chmod(dynamic / "key.pem", 0o644)  # read by Traefik's container user
    (dynamic / "test-certificate.yml").write_text(yaml.safe_dump(CERTIFICATE))
    static = project / "traefik" / "traefik.yml"
    storage = '      storage: "/letsencrypt/acme.json"\n'
    assert storage in static.read_text()
    ca_server = f"      caServer: {UNREACHABLE_CA!r}\n"
    static.write_text(static.read_text().replace(storage, storage + ca_server))
    env = (project / ".env.example").read_text()
    (project / ".env.deploy").write_text(
        env + f"PYTHON_IMAGE={BASE_IMAGE}\nREDIS_IMAGE={REDIS_IMAGE}\nBUILD_NETWORK=host\n"
        f"TRAEFIK_IMAGE={TRAEFIK_IMAGE}\nINGRESS_PUBLISH_HTTP=127.0.0.1:{http_port}\n"
        f"INGRESS_PUBLISH_HTTPS=127.0.0.1:{https_port}\n"
    )


def test_deploy_runs_compose_with_the_production_overrides_when_the_release_has_them(
    tmp_path: Path,
) -> None:
    """Every `compose` of the server scripts, in a release folder: with docker-compose.prod.yml
    there, both files; without it, Compose's default (docker-compose.yml)."""
    from aegis_cli.deploy import scripts

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "docker").write_text('#!/bin/sh\necho "$@"\n')
    (bin_dir / "docker").chmod(0o755)
    release = tmp_path / "release"
    release.mkdir()

    def compose_line() -> str:
        text = scripts.with_values(scripts.FUNCTIONS + "compose ps\n", NAME="p")
        env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
        done = subprocess.run(
            ["sh", "-c", text], cwd=release, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    assert compose_line() == "compose -p p ps"
    (release / "docker-compose.prod.yml").write_text("services: {}\n")
    assert compose_line() == "compose -p p -f docker-compose.yml -f docker-compose.prod.yml ps"
