"""`aegis deploy-*` against a real server: Debian's sshd on a free loopback port (throwaway host
and user keys) in front of the real Docker engine, the app folder a temporary directory.

Every command goes through the system `ssh`/`rsync` with the project's .aegis/known_hosts, as
for a remote machine; the only shortcut is that the "server" is this machine. The story:
deploy-init → setup → deploy → status → logs → a broken release rolled back automatically →
backup → rollback to that named backup (data included). It runs on the container tests' xdist
worker so it never competes with them for the engine.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from aegis_core.testing import free_port, wait_until
from aegis_core.testing.terminal import Terminal

from tests.containers_support import BASE_IMAGE, REDIS_IMAGE, Engine, serve_index
from tests.deploy_support import SshServer, deploy_ok, running_sshd, tear_down_server
from tests.lifecycle_support import commit
from tests.support import Result, aegis, init_project

pytestmark = pytest.mark.xdist_group("containers")

SLUG = "shipit-api"
ROUTING = Path("app/components/backend/api/routing.py")
SERVER_PORT = free_port()


@pytest.fixture(scope="module")
def container_index(index_dir: Path, aegis_index: str) -> Iterator[str]:
    with serve_index(index_dir, Path(aegis_index).name) as url:
        yield f"{url}/simple/"


@pytest.fixture(scope="module")
def sshd(tmp_path_factory: pytest.TempPathFactory, docker_engine: Engine) -> Iterator[SshServer]:
    folder = tmp_path_factory.mktemp("sshd")
    # PORT (the port compose publishes on 127.0.0.1) comes from the server's environment: in
    # .env it would also reach the app, whose health probe then asks the wrong port.
    session_env = {"DOCKER_CONFIG": docker_engine.env["DOCKER_CONFIG"], "PORT": str(SERVER_PORT)}
    with running_sshd(folder, session_env) as server:
        yield server


@pytest.fixture(scope="module")
def shipped(
    tmp_path_factory: pytest.TempPathFactory, container_index: str, sshd: SshServer
) -> Iterator[tuple[Path, str, int]]:
    """A generated project (database on SQLite), its .env.deploy and deploy-init done: the
    project, the compose project name on the server, the published port."""
    root = tmp_path_factory.mktemp("deploy")
    project = init_project(root, SLUG, "database", container_index)
    port = SERVER_PORT
    env = (project / ".env.example").read_text()
    (project / ".env.deploy").write_text(
        env + f"PYTHON_IMAGE={BASE_IMAGE}\nREDIS_IMAGE={REDIS_IMAGE}\nBUILD_NETWORK=host\n"
    )
    commit(project, "ready to deploy")
    name = f"shipit-{port}"
    server_path = root / "server" / "apps" / SLUG
    try:
        yield project, name, port
    finally:
        tear_down_server(name, server_path, SLUG)


def run(project: Path, *args: str) -> Result:
    result = aegis(*args, cwd=project)
    assert "Traceback" not in result.output, result.output
    return result


def ok(project: Path, *args: str) -> Result:
    return deploy_ok(project, *args)


def one_line_error(result: Result) -> str:
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.output
    return errors[0]


def health(port: int) -> int:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/health", timeout=10).status_code
    except httpx.HTTPError:
        return 0


def release_of(status: Result) -> str:
    match = re.search(r"^release: (\S+)", status.stdout, re.M)
    assert match, status.output
    return match.group(1)


def test_deploy_story(shipped: tuple[Path, str, int], sshd: SshServer) -> None:
    project, name, port = shipped
    server_path = project.parent / "server" / "apps" / SLUG

    # deploy-init: the file, validated, kept out of git
    init = ok(
        project, "deploy-init", "--host", "127.0.0.1", "--user", sshd.user,
        "--port", str(sshd.port), "--path", str(server_path), "-i", str(sshd.key),
    )  # fmt: skip
    assert "out of git" in init.stdout, init.output
    config = project / ".aegis" / "deploy.yml"
    assert "/.aegis/deploy.yml" in (project / ".gitignore").read_text()
    config.write_text(config.read_text().replace(f"project: {SLUG}", f"project: {name}"))
    assert f"project: {name}" in config.read_text()

    # first contact: refused until the host key is accepted, then kept
    unknown = run(project, "deploy-setup")
    assert unknown.returncode == 1
    assert "host key of 127.0.0.1 is not known" in one_line_error(unknown)
    setup = ok(project, "deploy-setup", "--accept-new-host-key")
    assert "app folder: " in setup.stdout and "created" in setup.stdout, setup.output
    assert "docker: present" in setup.stdout and "compose: present" in setup.stdout
    known = (project / ".aegis" / "known_hosts").read_text()
    assert sshd.host_public_key.split()[1] in known
    again = ok(project, "deploy-setup")  # idempotent, and the key is now known
    assert f"app folder: {server_path} present" in again.stdout, again.output

    # a server whose disk is "full" (below min_free_mb) is refused before anything is copied
    settings = config.read_text()
    config.write_text(settings.replace("min_free_mb: 1024", "min_free_mb: 2000000000"))
    full = run(project, "deploy")
    assert full.returncode == 1 and f"the disk holding {server_path} is full" in one_line_error(
        full
    )
    config.write_text(settings)

    # first deploy
    started = time.monotonic()
    first = ok(project, "deploy")
    first_seconds = time.monotonic() - started
    assert "is live" in first.stdout, first.output
    assert health(port) == 200
    status = ok(project, "deploy-status")
    first_release = release_of(status)
    assert re.search(r"^web\s+running", status.stdout, re.M), status.output
    assert (server_path / "current").resolve().name == first_release
    assert (server_path / "current" / ".env").read_text() == (project / ".env.deploy").read_text()
    assert not (server_path / "current" / ".git").exists()
    assert not (server_path / "current" / ".aegis").exists()

    # a no-change redeploy
    started = time.monotonic()
    second = ok(project, "deploy")
    redeploy_seconds = time.monotonic() - started
    print(f"\nfirst deploy {first_seconds:.1f} s; no-change redeploy {redeploy_seconds:.1f} s")
    print([line for line in first.stdout.splitlines() if "total" in line])
    print([line for line in second.stdout.splitlines() if "total" in line])
    good_release = release_of(ok(project, "deploy-status"))
    assert good_release != first_release and health(port) == 200

    # logs, through compose on the server
    logs = ok(project, "deploy-logs", "-s", "web", "--tail", "50")
    assert "web-1" in logs.stdout, logs.output

    # Ctrl-C while the new release builds: the running one is untouched
    routing = project / ROUTING
    routing.write_text(routing.read_text() + "\n# an edit that makes the image rebuild\n")
    interrupted = interrupt_deploy(project, after="copied the project")
    assert interrupted.returncode == 130, interrupted.output
    assert "the server still runs the previous release" in interrupted.stderr, interrupted.output
    assert release_of(ok(project, "deploy-status")) == good_release and health(port) == 200

    # the connection drops while the server switches: it finishes on its own
    dropped = drop_connection_during(project, after="waiting for the web health check")
    assert dropped.returncode == 1, dropped.output
    assert "the server finishes the switch on its own" in dropped.stderr, dropped.output
    new_release = re.search(r"Deploying release (\S+)", dropped.stdout)
    assert new_release, dropped.output

    def switched() -> bool:
        return release_of(ok(project, "deploy-status")) == new_release.group(1)

    assert wait_until(switched, timeout=180), ok(project, "deploy-status").stdout
    assert health(port) == 200
    good_release = new_release.group(1)

    # stop and restart the running release
    ok(project, "deploy-stop")
    assert health(port) == 0
    ok(project, "deploy-restart")
    assert wait_until(lambda: health(port) == 200, timeout=120)

    # data on the server's volume, then a backup of it
    wrote = ok(project, "deploy-shell", "-s", "web", "-c", "echo one > data/marker.txt")
    assert wrote.returncode == 0
    # the same as a person at a terminal: an interactive shell in web (ssh -t, compose exec)
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    command = [sys.executable, "-m", "aegis_cli", "deploy-shell", "-s", "web"]
    shell = Terminal(command, cwd=project, env=env)
    shell.send('echo "seen:$(cat data/marker.txt)"; exit 3\r')
    shell.expect("seen:one")
    shell.expect("the shell in web ended with exit code 3")
    assert shell.wait(60) == 3
    backup = ok(project, "deploy-backup")
    backup_id = re.search(r"backup (\d{8}-\d{6}) of release", backup.stdout)
    assert backup_id, backup.output
    listed = ok(project, "deploy-backups")
    assert backup_id.group(1) in listed.stdout and good_release in listed.stdout, listed.output
    data = server_path / "backups" / backup_id.group(1) / "data.tar.gz"
    names = subprocess.run(["tar", "-tzf", str(data)], capture_output=True, text=True).stdout
    assert "marker.txt" in names and "app.db" in names, names

    # a broken release: web crashes on start, the previous release comes back by itself
    routing.write_text(routing.read_text() + '\nraise RuntimeError("broken on purpose")\n')
    commit(project, "broken")
    broken = run(project, "deploy")
    assert broken.returncode == 1, broken.output
    assert "failed its health check" in one_line_error(broken)
    assert f"rolled back automatically: release {good_release} runs again" in broken.stderr
    assert health(port) == 200
    assert release_of(ok(project, "deploy-status")) == good_release

    # the data changes; rolling back to the named backup brings the files and data back
    ok(project, "deploy-shell", "-s", "web", "-c", "echo two > data/marker.txt")
    rollback = ok(project, "deploy-rollback", "-b", backup_id.group(1))
    assert "is live" in rollback.stdout, rollback.output
    assert health(port) == 200
    marker = ok(project, "deploy-shell", "-s", "web", "-c", "cat data/marker.txt")
    assert marker.stdout.strip() == "one", marker.output
    restored = release_of(ok(project, "deploy-status"))
    assert restored not in {first_release, good_release}
    assert "broken on purpose" not in (server_path / "current" / ROUTING).read_text()

    # back to the release before, without touching the data
    back = ok(project, "deploy-rollback")
    assert "is live" in back.stdout, back.output
    assert release_of(ok(project, "deploy-status")) == good_release and health(port) == 200
    marker = ok(project, "deploy-shell", "-s", "web", "-c", "cat data/marker.txt")
    assert marker.stdout.strip() == "one", marker.output


def drop_connection_during(project: Path, after: str) -> Result:
    """`aegis deploy` whose ssh is killed (a dropped connection) once `after` is printed."""

    def kill_ssh(process: subprocess.Popen[str]) -> None:
        children = subprocess.run(
            ["pgrep", "-P", str(process.pid), "-x", "ssh"], capture_output=True, text=True
        ).stdout.split()
        assert children, "no ssh child to kill"
        for child in children:
            os.kill(int(child), signal.SIGKILL)

    return deploy_and(project, after, kill_ssh)


def interrupt_deploy(project: Path, after: str) -> Result:
    """`aegis deploy` with Ctrl-C (SIGINT to its process group, ssh included) once `after`
    is printed."""
    return deploy_and(project, after, lambda process: os.killpg(process.pid, signal.SIGINT))


def deploy_and(
    project: Path, after: str, action: Callable[[subprocess.Popen[str]], None]
) -> Result:
    command = [sys.executable, "-m", "aegis_cli", "deploy"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("VIRTUAL_ENV", None)
    process = subprocess.Popen(
        command, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, start_new_session=True,
    )  # fmt: skip
    assert process.stdout and process.stderr
    seen = []
    for line in process.stdout:
        seen.append(line)
        if after in line:
            time.sleep(1)  # the server is at it
            action(process)
            break
    stdout = "".join(seen) + process.stdout.read()
    stderr = process.stderr.read()
    return Result(process.wait(timeout=60), stdout, stderr)


def test_connection_errors_are_one_line(
    cached_project: Path, tmp_path: Path, sshd: SshServer
) -> None:
    project = tmp_path / "p"
    shutil.copytree(cached_project, project, ignore=shutil.ignore_patterns(".venv"))
    base = ["--host", "127.0.0.1", "--user", sshd.user, "--path", "/srv/p"]

    ok(project, "deploy-init", *base, "--port", str(free_port()), "-i", str(sshd.key))
    unreachable = run(project, "deploy-status", "--accept-new-host-key")
    assert unreachable.returncode == 1
    assert "cannot reach" in one_line_error(unreachable)

    stranger = tmp_path / "stranger_key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(stranger)], check=True)
    ok(project, "deploy-init", *base, "--port", str(sshd.port), "-i", str(stranger))
    refused = run(project, "deploy-status", "--accept-new-host-key")
    assert refused.returncode == 1
    assert "refused the SSH key" in one_line_error(refused)

    # a changed host key is refused even with --accept-new-host-key
    known = project / ".aegis" / "known_hosts"
    other_key = Path(f"{stranger}.pub").read_text().split()[:2]  # another ed25519 key
    known.write_text(f"[127.0.0.1]:{sshd.port} {' '.join(other_key)}\n")
    ok(project, "deploy-init", *base, "--port", str(sshd.port), "-i", str(sshd.key))
    changed = run(project, "deploy-status", "--accept-new-host-key")
    assert changed.returncode == 1, changed.output
    assert "host key" in one_line_error(changed)


def test_deploy_settings_are_validated(cached_project: Path, tmp_path: Path) -> None:
    project = tmp_path / "p"
    shutil.copytree(cached_project, project, ignore=shutil.ignore_patterns(".venv"))
    bad_host = run(project, "deploy-init", "--host", "x;rm -rf /")
    assert bad_host.returncode == 2 and "not a host name" in one_line_error(bad_host)
    bad_path = run(project, "deploy-init", "--host", "h", "--path", "/srv/$(reboot)")
    assert bad_path.returncode == 2 and "not an app folder" in one_line_error(bad_path)
    ok(project, "deploy-init", "--host", "example.com")
    config = project / ".aegis" / "deploy.yml"
    assert "path: /srv/mvp-api" in config.read_text()
    config.write_text(config.read_text().replace("path: /srv/mvp-api", "path: '/srv/a b;reboot'"))
    tampered = run(project, "deploy-status")
    assert tampered.returncode == 2 and "not an app folder" in one_line_error(tampered)
    config.write_text("host: [1, 2]\n")
    assert run(project, "deploy").returncode == 2
    os.remove(config)
    missing = run(project, "deploy")
    assert missing.returncode == 2 and "deploy.yml is missing" in one_line_error(missing)


def test_a_server_without_docker_is_one_line(
    cached_project: Path, tmp_path: Path, docker_engine: Engine
) -> None:
    """The server's PATH has every command but docker: deploy stops before copying anything."""
    tools = tmp_path / "bin"
    tools.mkdir()
    for folder in (Path("/usr/local/bin"), Path("/usr/bin"), Path("/usr/sbin")):
        for tool in folder.iterdir():
            if not tool.name.startswith("docker") and not (tools / tool.name).exists():
                (tools / tool.name).symlink_to(tool)
    project = tmp_path / "p"
    shutil.copytree(cached_project, project, ignore=shutil.ignore_patterns(".venv"))
    (project / ".env.deploy").write_text("APP_NAME=p\n")
    with running_sshd(tmp_path / "sshd", {"PATH": str(tools)}) as server:
        ok(
            project, "deploy-init", "--host", "127.0.0.1", "--user", server.user,
            "--port", str(server.port), "--path", str(tmp_path / "srv" / "p"),
            "-i", str(server.key),
        )  # fmt: skip
        result = run(project, "deploy", "--accept-new-host-key")
    assert result.returncode == 1, result.output
    assert "Docker is not installed on the server" in one_line_error(result)
    assert not (tmp_path / "srv" / "p" / "releases").exists() or not any(
        (tmp_path / "srv" / "p" / "releases").iterdir()
    )


def test_deploy_shell_runs_compose_exec_in_the_current_release() -> None:
    from aegis_cli.deploy.config import DeployConfig
    from aegis_cli.deploy.steps import shell_command

    config = DeployConfig(host="h", user="u", port=22, path="/srv/app", project="app")
    interactive = shell_command(config, "web", None)
    assert interactive == "cd /srv/app/current && docker compose -p app exec web sh"
    command = shell_command(config, "worker-system", "ls 'data'; echo $HOME")
    assert command == (
        "cd /srv/app/current && docker compose -p app exec -T worker-system "
        "sh -c 'ls '\"'\"'data'\"'\"'; echo $HOME'"
    )
