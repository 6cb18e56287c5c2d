"""`aegis deploy-setup` on a bare Debian 13 server: over real SSH, as a sudo user, it installs
Docker and Compose v2 from Debian's packages, starts the engine, lets the user run docker
without sudo from the next login, turns on the firewall without locking SSH out, creates the
app folder, and says each step; run again, it changes nothing.

The server is a container (tests/bare_server_support.py says what it has, and its one
stand-in, for systemd). apt downloads from Debian's mirror: the first run takes a minute.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.bare_server_support import bare_server
from tests.containers_support import Engine
from tests.deploy_support import deploy_ok, ensure_ssh_packages, keygen

pytestmark = pytest.mark.xdist_group("bare-server")


def test_deploy_setup_provisions_a_bare_debian_server(
    cached_project: Path, tmp_path: Path, docker_engine: Engine
) -> None:
    ensure_ssh_packages()
    project = tmp_path / "p"
    shutil.copytree(cached_project, project, ignore=shutil.ignore_patterns(".venv"))
    key = tmp_path / "id_ed25519"
    keygen(key)
    with bare_server(key) as server:
        deploy_ok(
            project, "deploy-init", "--host", "127.0.0.1", "--user", server.user,
            "--port", str(server.port), "--path", "/srv/p", "-i", str(key),
        )  # fmt: skip
        assert server.root("command -v docker").returncode != 0, "the server has Docker already"

        first = deploy_ok(project, "deploy-setup", "--accept-new-host-key").stdout
        for said in (
            "installing docker.io with apt-get",
            "docker: installed",
            f"docker group: {server.user} added",
            "installing docker-compose with apt-get",
            "compose: installed",
            f"firewall: ufw allows {server.port} (ssh), 80 and 443",
            "app folder: /srv/p created",
            "127.0.0.1 is ready",
        ):
            assert said in first, first

        known_hosts = project / ".aegis" / "known_hosts"
        # The next login (every later `aegis deploy`): docker and Compose v2 without sudo.
        engine = server.ssh("docker info --format '{{.ServerVersion}}'", known_hosts)
        assert engine.returncode == 0 and engine.stdout.strip(), engine.stderr
        compose = server.ssh("docker compose version --short", known_hosts)
        assert compose.returncode == 0 and compose.stdout.startswith("2."), compose.stderr
        firewall = server.root("ufw status")
        assert "Status: active" in firewall.stdout and f"{server.port}/tcp" in firewall.stdout
        owner = server.ssh("stat -c %U /srv/p/releases /srv/p/backups", known_hosts)
        assert owner.stdout.split() == [server.user] * 2, owner.stderr

        again = deploy_ok(project, "deploy-setup").stdout
        for said in ("docker: present", "compose: present", "app folder: /srv/p present"):
            assert said in again, again
        assert "installing" not in again and "added" not in again, again
