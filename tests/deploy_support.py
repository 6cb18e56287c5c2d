"""A real SSH server for the deploy tests: Debian's `sshd` on a free 127.0.0.1 port.

It runs from a throwaway config folder (host key, the user's key, authorized_keys) and gives
its sessions `DOCKER_CONFIG` (`SetEnv`), so `docker compose` on "the server" is the real Compose
v2 binary against the local engine: the same machine, reached only through SSH.
"""

from __future__ import annotations

import getpass
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from aegis_core.testing import free_port, require

from tests.support import Result, aegis

DEBIAN_PACKAGES = {"sshd": "openssh-server", "ssh": "openssh-client", "rsync": "rsync"}
SSHD = "/usr/sbin/sshd"


@dataclass(frozen=True)
class SshServer:
    port: int
    user: str
    key: Path
    """The user's private key (its public half is the only authorized key)."""
    host_public_key: str
    log: Path

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def ensure_ssh_packages() -> None:
    """Install openssh-server/openssh-client/rsync with apt-get when root and missing."""

    def present(command: str) -> bool:
        return shutil.which(command) is not None or (command == "sshd" and Path(SSHD).exists())

    missing = sorted({pkg for cmd, pkg in DEBIAN_PACKAGES.items() if not present(cmd)})
    if not missing:
        return
    names = " ".join(missing)
    can_install = os.geteuid() == 0 and shutil.which("apt-get") is not None
    require(can_install, f"{names} (apt-get install {names}, as root)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True)
    install = ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing]
    done = subprocess.run(install, env=env, capture_output=True)
    require(done.returncode == 0, f"{names}: apt-get install failed")


def keygen(path: Path) -> None:
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "aegis-deploy-test", "-f", str(path)],
        check=True,
    )


@contextmanager
def running_sshd(folder: Path, session_env: dict[str, str]) -> Iterator[SshServer]:
    """Start `sshd -D` on a free loopback port; stop it (by its own pid) afterwards."""
    ensure_ssh_packages()
    require(os.geteuid() == 0, "root, to run sshd for the deploy tests")
    folder.mkdir(parents=True, exist_ok=True)
    Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # sshd's privilege separation folder
    host_key, user_key = folder / "host_ed25519", folder / "user_ed25519"
    keygen(host_key)
    keygen(user_key)
    authorized = folder / "authorized_keys"
    shutil.copy(f"{user_key}.pub", authorized)
    port = free_port()
    setenv = " ".join(f"{name}={value}" for name, value in session_env.items())
    config = folder / "sshd_config"
    config.write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {host_key}\n"
        f"PidFile {folder / 'sshd.pid'}\nAuthorizedKeysFile {authorized}\n"
        "StrictModes no\nPubkeyAuthentication yes\nPasswordAuthentication no\n"
        "KbdInteractiveAuthentication no\nPermitRootLogin prohibit-password\nUsePAM no\n"
        "PrintMotd no\nMaxSessions 20\nMaxStartups 50\n" + (f"SetEnv {setenv}\n" if setenv else "")
    )
    log = folder / "sshd.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [SSHD, "-D", "-e", "-f", str(config)],
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    try:
        deadline = time.monotonic() + 20
        from tests.containers_support import port_in_use

        while not port_in_use(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"sshd did not start:\n{log.read_text(errors='replace')}")
            time.sleep(0.1)
        yield SshServer(
            port=port,
            user=getpass.getuser(),
            key=user_key,
            host_public_key=Path(f"{host_key}.pub").read_text().strip(),
            log=log,
        )
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def deploy_ok(project: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    """`aegis ARGS` in `project` that must succeed, with no traceback."""
    result = aegis(*args, cwd=project, env=env)
    assert result.returncode == 0 and "Traceback" not in result.output, result.output
    return result


def ship(project: Path, sshd: SshServer, server_path: Path, name: str) -> Result:
    """deploy-init against the test sshd, setup (accepting its host key), deploy.

    The compose project is renamed to `name` in deploy.yml, so tests sharing the engine never
    meet each other's containers. Returns the deploy's result."""
    deploy_ok(
        project, "deploy-init", "--host", "127.0.0.1", "--user", sshd.user,
        "--port", str(sshd.port), "--path", str(server_path), "-i", str(sshd.key),
    )  # fmt: skip
    config = project / ".aegis" / "deploy.yml"
    slug = project.name
    config.write_text(config.read_text().replace(f"project: {slug}", f"project: {name}"))
    deploy_ok(project, "deploy-setup", "--accept-new-host-key")
    deployed = deploy_ok(project, "deploy")
    assert "is live" in deployed.stdout, deployed.output
    return deployed


def tear_down_server(name: str, server_path: Path, slug: str) -> None:
    """Remove what a deployed `name` left on the engine (containers, volumes, release images)
    and its folder on "the server"."""
    from tests.containers_support import STATE, docker

    engine = {"DOCKER_CONFIG": str(STATE / "cli")}
    docker("compose", "-p", name, "down", "--volumes", "--timeout", "5", env=engine, timeout=120)
    label = f"label=com.docker.compose.project={name}"
    left = docker("volume", "ls", "-q", "--filter", label, env=engine).stdout.split()
    if left:
        docker("volume", "rm", *left, env=engine)
    for tag in docker("images", slug, "--format", "{{.Repository}}:{{.Tag}}").stdout.split():
        if ":aegis-" in tag:
            docker("rmi", tag)
    shutil.rmtree(server_path, ignore_errors=True)
