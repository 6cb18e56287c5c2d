"""A bare Debian 13 server in a container, for `aegis deploy-setup` from nothing.

The server has what a fresh VPS has: sshd (on a free 127.0.0.1 port, the same port inside, so
a firewall rule for it is the rule a real server needs), a `deploy` user with passwordless
sudo, ufw, apt reaching Debian's mirror, and no Docker. The container gets every capability
this machine's engine can grant, so the Docker engine that deploy-setup installs runs inside
it. It is not `--privileged`: that asks for CAP_SYS_RESOURCE, which this machine withholds.

One stand-in, for the init system: a container has no systemd as PID 1, so `systemctl` is a
short script that does what `systemctl enable --now docker` does (start `dockerd`, return once
it answers). Debian's own sysv script cannot stand in here: it raises ulimits, which needs the
withheld capability. Everything else (apt, Docker, Compose, ufw, sudo, groups) is Debian's.
"""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from aegis_core.testing import free_port, require

from tests.containers_support import STATE, docker, ensure_debian_image, setup_lock

SUITE = "trixie"
PACKAGES = "openssh-server,rsync,ca-certificates,procps,sudo,ufw,passwd"
USER = "deploy"
SYSTEMCTL = """#!/bin/sh
# Test stand-in for systemd (no init system runs in this container): start dockerd for
# `systemctl enable --now docker` and return once it answers, as systemd would.
case " $* " in
  *" docker "*|*" docker.service "*) ;;
  *) exit 0 ;;
esac
docker info >/dev/null 2>&1 && exit 0
nohup dockerd >/var/log/dockerd.log 2>&1 </dev/null &
i=0
until docker info >/dev/null 2>&1; do
  i=$((i + 1)); [ "$i" -gt 120 ] && { tail -n 5 /var/log/dockerd.log >&2; exit 1; }
  sleep 0.5
done
"""
CAPABILITIES = ["--cap-add", "ALL", "--cap-drop", "SYS_RESOURCE"]
UNCONFINED = [
    f"--security-opt={option}=unconfined" for option in ("seccomp", "apparmor", "systempaths")
]


@dataclass(frozen=True)
class BareServer:
    container: str
    port: int
    user: str
    key: Path

    def root(self, command: str) -> subprocess.CompletedProcess[str]:
        """`command` as root on the server (through the engine, not SSH)."""
        return docker("exec", self.container, "sh", "-c", command, timeout=120)

    def ssh(self, command: str, known_hosts: Path) -> subprocess.CompletedProcess[str]:
        """`command` as the deploy user in a new SSH login, as the next `aegis deploy` runs."""
        return subprocess.run(
            ["ssh", "-i", str(self.key), "-p", str(self.port), "-o", "BatchMode=yes",
             "-o", f"UserKnownHostsFile={known_hosts}", f"{self.user}@127.0.0.1", command],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip


def server_image() -> str:
    """The server image, named after its stand-in so a changed script makes a new one."""
    digest = hashlib.sha256(SYSTEMCTL.encode()).hexdigest()[:8]
    name = f"local/debian-server:{SUITE}-{digest}"
    stand_in = STATE / f"systemctl-{digest}"
    hooks = [
        f'install -m 755 {stand_in} "$1/usr/local/sbin/systemctl"',
        f'chroot "$1" useradd --create-home --shell /bin/bash {USER}',
        f"echo '{USER} ALL=(ALL) NOPASSWD:ALL' > \"$1/etc/sudoers.d/{USER}\"",
        f'chmod 440 "$1/etc/sudoers.d/{USER}"',
        'mkdir -p "$1/run/sshd"',
    ]
    with setup_lock():
        stand_in.write_text(SYSTEMCTL)
        problem = ensure_debian_image(name, SUITE, PACKAGES, hooks, [])
    require(problem is None, problem or "")
    return name


@contextmanager
def bare_server(key: Path) -> Iterator[BareServer]:
    """A fresh server from the image (its Docker data on a volume removed with it), reachable
    over SSH as `deploy` with the key whose private half is `key`."""
    image = server_image()
    port = free_port()
    name = f"aegis-bare-server-{port}"
    started = docker(
        "run", "--detach", "--name", name, "--hostname", "bare-server",
        *CAPABILITIES, *UNCONFINED, "--publish", f"127.0.0.1:{port}:{port}",
        "--volume", "/var/lib/docker", image,
        "sh", "-c", f"mkdir -p /run/sshd && exec /usr/sbin/sshd -D -e -p {port} "
        "-o PasswordAuthentication=no",
    )  # fmt: skip
    require(started.returncode == 0, f"a bare server container ({started.stderr.strip()})")
    server = BareServer(name, port, USER, key)
    try:
        public = Path(f"{key}.pub").read_text().strip()
        authorized = server.root(
            f"install -d -m 700 -o {USER} -g {USER} /home/{USER}/.ssh && "
            f"echo '{public}' > /home/{USER}/.ssh/authorized_keys && "
            f"chown {USER}:{USER} /home/{USER}/.ssh/authorized_keys"
        )
        assert authorized.returncode == 0, authorized.stderr
        yield server
    finally:
        # Its dockerd first, so the container stops cleanly; then it and its Docker volume.
        server.root("pkill dockerd; sleep 1")
        docker("rm", "--force", "--volumes", name, timeout=120)
