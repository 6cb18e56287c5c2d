"""The app's own guard, without Traefik: who the client is, what is an admin page, bad settings."""

from __future__ import annotations

import ipaddress
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from aegis_core.testing import RunningServer, run_server
from aegis_ingress.allowlist import client_address, path_pattern
from aegis_ingress.settings import IngressSettings, parse_networks
from pydantic import ValidationError

CLI = "from aegis_core.cli import build_cli; build_cli('p', app_module='serve:app')()"
TRUSTED = parse_networks("127.0.0.1/32, 10.0.0.0/8")


@pytest.fixture
def app(project: tuple[Path, dict[str, str]]) -> Iterator[RunningServer]:
    root, env = project
    with run_server("serve:app", cwd=root, env=env) as server:
        yield server


def client(source: str) -> httpx.Client:
    return httpx.Client(transport=httpx.HTTPTransport(local_address=source), timeout=10)


def test_the_peer_is_the_client_unless_it_is_a_trusted_proxy() -> None:
    ip = ipaddress.ip_address
    assert client_address("192.0.2.9", ["127.0.0.1"], TRUSTED) == ip("192.0.2.9")
    assert client_address("127.0.0.1", ["192.0.2.9"], TRUSTED) == ip("192.0.2.9")
    # the right-most address a trusted proxy did not add is the client; earlier ones are claims
    assert client_address("127.0.0.1", ["127.0.0.1, 192.0.2.9, 10.1.1.1"], TRUSTED) == ip(
        "192.0.2.9"
    )
    assert client_address("127.0.0.1", [], TRUSTED) == ip("127.0.0.1")
    assert client_address("127.0.0.1", ["not-an-ip"], TRUSTED) is None
    assert client_address("testclient", [], TRUSTED) is None


def test_tagged_routes_match_their_concrete_paths() -> None:
    assert path_pattern("/api/ops/{job_id}").match("/api/ops/42")
    assert not path_pattern("/api/ops/{job_id}").match("/api/ops/42/more")
    assert path_pattern("/files/{rest:path}").match("/files/a/b")


def test_the_app_alone_admits_loopback_and_refuses_another_address(app: RunningServer) -> None:
    port = app.url.rsplit(":", 1)[1]
    with client("127.0.0.1") as insider, client("127.0.0.2") as outsider:
        assert insider.get(f"{app.url}/docs").status_code == 200
        refused = outsider.get(f"http://127.0.0.1:{port}/openapi.json")
        assert outsider.get(f"{app.url}/api/hello").status_code == 200
        assert outsider.get(f"{app.url}/health").status_code == 200, "health stays public"
    assert refused.status_code == 403
    assert refused.json()["detail"].startswith("admin pages answer only clients in")
    assert "paths" not in refused.text, "no part of the schema leaks"


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("ADMIN_IP_ALLOWLIST", "10.0.0.300", "is not an IP address or CIDR"),
        ("INGRESS_TRUSTED_PROXIES", "*", "is not an IP address or CIDR"),
        ("ADMIN_IP_ALLOWLIST", ",".join(["10.0.0.1"] * 65), "at most 64 entries"),
        ("INGRESS_ADMIN_PATHS", "ops", "is not a path prefix"),
        ("INGRESS_TRAEFIK_URL", "traefik:8080/x", "http://HOST:PORT"),
    ],
)
def test_bad_settings_are_refused(name: str, value: str, says: str) -> None:
    with pytest.raises(ValidationError, match=says):
        IngressSettings(**{name: value})  # type: ignore[arg-type]


def test_serve_says_a_bad_allowlist_in_one_line(project: tuple[Path, dict[str, str]]) -> None:
    root, env = project
    result = subprocess.run(
        [sys.executable, "-c", CLI, "serve"],
        cwd=root,
        env={**env, "ADMIN_IP_ALLOWLIST": "my-office"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "ADMIN_IP_ALLOWLIST" in lines[0] and "my-office" in lines[0], lines
