"""`aegis add ingress`, `aegis ingress-enable`, `aegis remove ingress` on a generated project,
then the project's own Traefik files run by the real Traefik binary in front of its app.

HTTPS uses a certificate the test makes (trustme) for the domain. Let's Encrypt is not
reachable from here, so the ACME part is checked as far as it can be: Traefik accepts the
resolver the command wrote (it starts and answers ping with the CA unreachable).
"""

from __future__ import annotations

import shutil
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import trustme
import yaml
from aegis_core.testing import RunningServer, compose_binary, free_port, run_server, wait_until
from aegis_ingress.testing import Traefik, loopback_static, run_traefik
from cryptography import x509

from tests.lifecycle_support import commit, compose_valid, fails, manifest, ok
from tests.support import copy_project, run, tree_digest, venv_bin

FILES = {
    "traefik/traefik.yml",
    "traefik/dynamic/aegis.yml",
    "compose/ingress.yml",
    "compose/app.ingress.yml",
    "docker-compose.prod.yml",
    "make/ingress.mk",
}
DOMAIN = "app.example.com"


def compose_config(project: Path, *files: str) -> dict[str, Any]:
    """What the real Docker Compose binary makes of the project's files (it must accept them)."""
    options = [arg for name in files for arg in ("-f", name)]
    result = run([compose_binary(), *options, "config"], cwd=project)
    assert result.returncode == 0, result.output
    config: dict[str, Any] = yaml.safe_load(result.stdout)
    return config


def client(source: str = "127.0.0.1", **options: Any) -> httpx.Client:
    transport = httpx.HTTPTransport(local_address=source, verify=options.pop("verify", True))
    return httpx.Client(transport=transport, timeout=10, **options)


@pytest.fixture(scope="module")
def with_ingress(cached_project: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generated project after `aegis add ingress`, committed (tests copy it)."""
    project = copy_project(cached_project, tmp_path_factory.mktemp("ingress") / "mvp-api")
    ok("add", "ingress", cwd=project)
    commit(project, "add ingress")
    return project


@pytest.fixture
def added(with_ingress: Path, tmp_path: Path) -> Path:
    return copy_project(with_ingress, tmp_path / "mvp-api")


def test_add_writes_the_traefik_stubs_and_remove_takes_them_back(project: Path) -> None:
    before = tree_digest(project)
    output = ok("add", "ingress", cwd=project).stdout
    record = manifest(project)["components"]["ingress"]
    assert set(record["files"]) == FILES
    assert all(relative in output for relative in FILES), output
    assert record["compose"] == ["compose/app.ingress.yml", "compose/ingress.yml"]
    compose_file = (project / "docker-compose.yml").read_text()
    assert "  - compose/ingress.yml\n" in compose_file
    assert "  - path: [compose/app.yml, compose/app.ingress.yml]\n" in compose_file
    assert "ADMIN_IP_ALLOWLIST=127.0.0.1/32,::1/128" in (project / ".env.example").read_text()
    assert compose_valid(project).returncode == 0
    development = compose_config(project)["services"]
    assert "ports" not in development["web"], "Traefik holds the app's port; web scales"
    assert development["web"]["environment"]["INGRESS_TRAEFIK_URL"] == "http://traefik:8080"
    traefik = development["traefik"]
    assert {(p.get("host_ip", ""), p["published"], p["target"]) for p in traefik["ports"]} == {
        ("", "80", 80),
        ("", "443", 443),
        ("127.0.0.1", "8000", 80),
    }
    assert "--ping" in traefik["healthcheck"]["test"]
    production = compose_config(project, "docker-compose.yml", "docker-compose.prod.yml")
    assert "ports" not in production["services"]["web"], "in production only Traefik listens"
    published = {p["published"] for p in production["services"]["traefik"]["ports"]}
    assert published == {"80", "443"}, "the app's development port is not published"
    commit(project, "add ingress")

    ok("remove", "ingress", cwd=project)
    after = tree_digest(project)
    changed = {p for p in set(before) | set(after) if before.get(p) != after.get(p)}
    assert changed <= {"pyproject.toml", "uv.lock"}, changed
    assert not (project / "traefik").exists()


def test_the_generated_app_refuses_admin_pages_to_outsiders(added: Path) -> None:
    python = venv_bin(added, "python")
    with (
        run_server(cwd=added, python=python) as app,
        client("127.0.0.1") as insider,
        client("127.0.0.2") as outsider,
    ):
        assert insider.get(f"{app.url}/docs").status_code == 200
        forged = outsider.get(f"{app.url}/docs", headers={"X-Forwarded-For": "127.0.0.1"})
        dashboard = outsider.get(f"{app.url}/dashboard/")
        assert outsider.get(f"{app.url}/health").status_code == 200
    assert forged.status_code == 403
    assert dashboard.status_code == 403
    assert "ADMIN_IP_ALLOWLIST" in forged.json()["detail"]


@pytest.mark.parametrize(
    ("option", "value", "says"),
    [
        ("--domain", "localhost", "is not a domain name"),
        ("--domain", "203.0.113.7", "is not a domain name"),
        ("--domain", "app.example.com`) || Host(`evil.com", "is not a domain name"),
        ("--email", "admin", "is not an e-mail address"),
        ("--email", "a@b.c\nstorage: /etc/passwd", "is not an e-mail address"),
    ],
)
def test_ingress_enable_refuses_bad_input_and_changes_nothing(
    added: Path, option: str, value: str, says: str
) -> None:
    before = tree_digest(added)
    values = {"--domain": DOMAIN, "--email": "ops@example.com", option: value}
    result = fails(2, "ingress-enable", *[a for kv in values.items() for a in kv], cwd=added)
    assert says in result.stderr
    assert tree_digest(added) == before


@pytest.mark.parametrize(("fail_at", "code"), [("write-files", 1), ("write-files:interrupt", 130)])
def test_a_failure_midway_leaves_every_stub_as_it_was(added: Path, fail_at: str, code: int) -> None:
    before = tree_digest(added)
    args = ("ingress-enable", "--domain", DOMAIN, "--email", "ops@example.com")
    fails(code, *args, cwd=added, env={"AEGIS_FAIL_AT": fail_at})
    assert tree_digest(added) == before


def test_stubs_that_are_not_aegis_own_are_refused(added: Path, tmp_path: Path) -> None:
    args = ("ingress-enable", "--domain", DOMAIN, "--email", "ops@example.com")
    dynamic = added / "traefik/dynamic/aegis.yml"
    dynamic.write_text(dynamic.read_text().replace("# >>> aegis:https-routers", "# routers"))
    before = tree_digest(added)
    assert "lacks the '# >>> aegis:https-routers'" in fails(1, *args, cwd=added).stderr
    assert tree_digest(added) == before

    outside = tmp_path / "outside.yml"
    outside.write_bytes((added / "traefik/traefik.yml").read_bytes())
    (added / "traefik/traefik.yml").unlink()
    (added / "traefik/traefik.yml").symlink_to(outside)
    kept = outside.read_bytes()
    fails(1, *args, cwd=added)
    assert outside.read_bytes() == kept, "nothing is written outside the project"


def test_ingress_enable_needs_the_ingress(project: Path) -> None:
    before = tree_digest(project)
    result = fails(2, "ingress-enable", "--domain", DOMAIN, "--email", "a@example.com", cwd=project)
    assert "aegis add ingress" in result.output
    assert tree_digest(project) == before


def test_dry_run_shows_the_change_and_changes_nothing(added: Path) -> None:
    before = tree_digest(added)
    args = ("ingress-enable", "--domain", DOMAIN, "--email", "ops@example.com", "--dry-run")
    output = ok(*args, cwd=added).stdout
    added_lines = [line.strip() for line in output.splitlines() if line.strip().startswith("+")]
    assert any(line.endswith(f'- main: "{DOMAIN}"') for line in added_lines), output
    assert any(line.endswith('email: "ops@example.com"') for line in added_lines), output
    assert "nothing was changed" in output
    assert tree_digest(added) == before


def test_rerun_with_another_domain_updates_and_the_files_become_the_projects(
    added: Path,
) -> None:
    ok("ingress-enable", "--domain", "old.example.com", "--email", "a@example.com", cwd=added)
    ok("ingress-enable", "--domain", DOMAIN, "--email", "ops@example.com", cwd=added)
    dynamic = (added / "traefik/dynamic/aegis.yml").read_text()
    static = yaml.safe_load((added / "traefik/traefik.yml").read_text())
    assert "old.example.com" not in dynamic and f"Host(`{DOMAIN}`)" in dynamic
    assert static["certificatesResolvers"]["letsencrypt"]["acme"]["email"] == "ops@example.com"
    redirect = static["entryPoints"]["web"]["http"]["redirections"]["entryPoint"]
    assert redirect == {"to": "websecure", "scheme": "https", "permanent": True}
    again = ok("ingress-enable", "--domain", DOMAIN, "--email", "ops@example.com", cwd=added)
    assert "nothing to do" in again.stdout
    commit(added, "https")

    # They now hold the project's HTTPS setup: an upgrade would write beside them, and
    # remove keeps them (and says so) while taking back everything else.
    output = ok("remove", "ingress", cwd=added).stdout
    assert "Kept because you changed it" in output
    left = {str(p.relative_to(added)) for p in (added / "traefik").rglob("*") if p.is_file()}
    assert left == {"traefik/traefik.yml", "traefik/dynamic/aegis.yml"}
    assert not (added / "compose/ingress.yml").exists()


@dataclass
class Https:
    app: RunningServer
    traefik: Traefik
    ca: trustme.CA
    cert_pem: bytes


@pytest.fixture
def https(added: Path, tmp_path: Path) -> Iterator[Https]:
    """ingress-enable, then Traefik from the project's files, a test certificate for DOMAIN."""
    ok("ingress-enable", "--domain", DOMAIN, "--email", "ops@example.com", cwd=added)
    ca = trustme.CA()
    issued = ca.issue_cert(DOMAIN)
    dynamic = tmp_path / "dynamic"
    shutil.copytree(added / "traefik" / "dynamic", dynamic)
    issued.cert_chain_pems[0].write_to_path(str(tmp_path / "cert.pem"))
    issued.private_key_pem.write_to_path(str(tmp_path / "key.pem"))
    (dynamic / "test-certificate.yml").write_text(
        yaml.safe_dump(
            {
                "tls": {
                    "certificates": [
                        {
                            "certFile": str(tmp_path / "cert.pem"),
                            "keyFile": str(tmp_path / "key.pem"),
                        }
                    ]
                }
            }
        )
    )
    config = loopback_static(added / "traefik" / "traefik.yml", dynamic, tmp_path)
    app_port = free_port()
    env = {
        "ADMIN_IP_ALLOWLIST": "127.0.0.1/32",
        "INGRESS_UPSTREAM_URL": f"http://127.0.0.1:{app_port}",
    }
    with run_traefik(config, env, expect_routers=4) as traefik:
        https_port = traefik.websecure.rsplit(":", 1)[1]
        app_env = {"INGRESS_TRAEFIK_URL": traefik.internal, "INGRESS_HTTPS_PORT": https_port}
        python = venv_bin(added, "python")
        with run_server(cwd=added, python=python, env=app_env, port=app_port) as app:
            yield Https(app, traefik, ca, issued.cert_chain_pems[0].bytes())


def test_https_serves_the_domain_with_hsts_and_http_redirects(https: Https) -> None:
    context = ssl.create_default_context()
    https.ca.configure_trust(context)
    sni = {"sni_hostname": DOMAIN}
    with client(verify=context) as browser:
        secure = browser.get(
            f"{https.traefik.websecure}/health", headers={"Host": DOMAIN}, extensions=sni
        )
        docs = browser.get(
            f"{https.traefik.websecure}/docs", headers={"Host": DOMAIN}, extensions=sni
        )
        plain = browser.get(f"{https.traefik.web}/health", headers={"Host": DOMAIN})
    with client("127.0.0.2", verify=context) as outsider:
        refused = outsider.get(
            f"{https.traefik.websecure}/docs", headers={"Host": DOMAIN}, extensions=sni
        )
    # the app's own answer (200, or 503 if a check of this busy machine failed), over TLS
    assert secure.status_code in (200, 503) and "components" in secure.json(), secure.text
    assert "max-age=31536000" in secure.headers["strict-transport-security"]
    assert docs.status_code == 200
    assert refused.status_code == 403, "the allowlist holds on HTTPS too"
    assert plain.status_code in (301, 308)
    assert plain.headers["location"].startswith(f"https://{DOMAIN}")


def test_traefik_accepts_the_acme_resolver_without_a_reachable_ca(https: Https) -> None:
    """No CA answers here: Traefik started with the resolver and serves ping; it says so in
    its log instead of failing."""
    assert httpx.get(f"{https.traefik.internal}/ping", timeout=5).text == "OK"
    routers = {r["name"]: r for r in https.traefik.routers()}
    assert routers["app-https@file"]["tls"]["certResolver"] == "letsencrypt"
    wait_until(lambda: "letsencrypt" in https.traefik.log(), 15, what="the ACME resolver at work")


def test_health_reports_the_certificate_expiry(https: Https) -> None:
    expiry = x509.load_pem_x509_certificate(https.cert_pem).not_valid_after_utc

    def certificates() -> dict[str, str]:
        body = httpx.get(f"{https.app.url}/health/detailed", timeout=10).json()
        return dict(body["components"]["ingress"]["metadata"].get("certificates", {}))

    wait_until(lambda: DOMAIN in certificates(), 15, what="the certificate in /health")
    assert certificates()[DOMAIN] == expiry.isoformat(timespec="seconds")
