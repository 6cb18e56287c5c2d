"""`aegis deploy-*` of a `database[postgres]` project against a real server (Debian's sshd on a
free loopback port in front of the real Docker engine, tests/deploy_support.py):

- a backup holds a `pg_dump` made inside the project's `postgres` service, and
  `deploy-rollback -b ID` loads it back: a row deleted after the backup is there again;
- `deploy-logs -f` prints a line web's container writes after it started, and stops promptly,
  without a traceback and without leaving its ssh behind, when it is terminated.

PostgreSQL is `local/postgres` (tests/postgres_support.py), given through POSTGRES_IMAGE in
`.env.deploy` as a user would point it at a mirror.
"""

from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from aegis_core.testing import free_port, wait_until

from tests.containers_support import BASE_IMAGE, Engine, serve_index
from tests.deploy_support import SshServer, deploy_ok, running_sshd, ship, tear_down_server
from tests.lifecycle_support import commit
from tests.postgres_support import POSTGRES_IMAGE, ensure_postgres_image, postgres_project
from tests.support import Result, aegis

pytestmark = pytest.mark.xdist_group("containers")

SLUG = "pgship-api"
SERVER_PORT = free_port()


@dataclass(frozen=True)
class Shipped:
    project: Path
    server_path: Path
    port: int


@pytest.fixture(scope="module")
def sshd(tmp_path_factory: pytest.TempPathFactory, docker_engine: Engine) -> Iterator[SshServer]:
    folder = tmp_path_factory.mktemp("sshd-postgres")
    # PORT (published on 127.0.0.1) from the server's environment, as in tests/test_deploy.py
    session_env = {"DOCKER_CONFIG": docker_engine.env["DOCKER_CONFIG"], "PORT": str(SERVER_PORT)}
    with running_sshd(folder, session_env) as server:
        yield server


@pytest.fixture(scope="module")
def shipped(
    tmp_path_factory: pytest.TempPathFactory,
    index_dir: Path,
    aegis_index: str,
    docker_engine: Engine,
    sshd: SshServer,
) -> Iterator[Shipped]:
    """A database[postgres] project with a migration of its own, deployed over the test sshd
    (the package index served throughout: the rollback builds too); everything it made on the
    engine removed after the module."""
    ensure_postgres_image(docker_engine)
    root = tmp_path_factory.mktemp("deploy-postgres")
    name = f"pgship-{SERVER_PORT}"
    server_path = root / "server" / "apps" / SLUG
    try:
        with serve_index(index_dir, Path(aegis_index).name) as url:
            project = postgres_project(root, SLUG, url)
            env = (project / ".env.example").read_text()
            images = f"PYTHON_IMAGE={BASE_IMAGE}\nPOSTGRES_IMAGE={POSTGRES_IMAGE}\n"
            (project / ".env.deploy").write_text(env + images + "BUILD_NETWORK=host\n")
            commit(project, "ready to deploy")
            ship(project, sshd, server_path, name)
            yield Shipped(project, server_path, SERVER_PORT)
    finally:
        tear_down_server(name, server_path, SLUG)


def psql(project: Path, query: str) -> Result:
    """A query as `app` in the deployed postgres service (through deploy-shell): rows, one a
    line."""
    command = f"psql -U app -d app -v ON_ERROR_STOP=1 -tAc {shlex.quote(query)}"
    return aegis("deploy-shell", "-s", "postgres", "-c", command, cwd=project)


def rows(project: Path, query: str) -> str:
    done = psql(project, query)
    assert done.returncode == 0, done.output
    return done.stdout.strip()


def test_a_backup_holds_a_pg_dump_and_rollback_restores_it(shipped: Shipped) -> None:
    project = shipped.project
    # the migrate service runs next to web: the table is there once it has finished
    wait_until(
        lambda: psql(project, "SELECT count(*) FROM kept").returncode == 0,
        120,
        interval=1,
        what="the migrate service's table in the deployed PostgreSQL",
    )
    rows(project, "INSERT INTO kept VALUES ('before the backup')")

    backup = deploy_ok(project, "deploy-backup")
    assert "database: pg_dump of the postgres service" in backup.stdout, backup.output
    found = re.search(r"backup (\d{8}-\d{6}) of release", backup.stdout)
    assert found, backup.output
    backup_id = found.group(1)
    dump = (shipped.server_path / "backups" / backup_id / "db.sql").read_text()
    assert "CREATE TABLE public.kept" in dump, dump[:2000]
    assert "before the backup" in dump, dump[-2000:]
    listed = deploy_ok(project, "deploy-backups")
    assert backup_id in listed.stdout and "db.sql" in listed.stdout, listed.output

    rows(project, "DELETE FROM kept")
    rows(project, "INSERT INTO kept VALUES ('after the backup')")
    assert rows(project, "SELECT v FROM kept") == "after the backup"

    rollback = deploy_ok(project, "deploy-rollback", "-b", backup_id)
    assert "database restored from db.sql" in rollback.stdout, rollback.output
    assert "is live" in rollback.stdout, rollback.output
    assert rows(project, "SELECT v FROM kept") == "before the backup"
    health = httpx.get(f"http://127.0.0.1:{shipped.port}/health", timeout=10)
    assert health.status_code == 200, health.text
    assert health.json()["components"]["database"]["status"] == "healthy", health.text


def test_deploy_logs_follow_shows_new_lines_and_stops_when_terminated(shipped: Shipped) -> None:
    command = [sys.executable, "-m", "aegis_cli", "deploy-logs", "-f", "-s", "web", "--tail", "5"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("VIRTUAL_ENV", None)
    process = subprocess.Popen(
        command, cwd=shipped.project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, start_new_session=True,
    )  # fmt: skip
    stdout, stderr = process.stdout, process.stderr
    assert stdout and stderr
    out: list[str] = []
    err: list[str] = []
    readers = [
        threading.Thread(target=lambda: out.extend(stdout), daemon=True),
        threading.Thread(target=lambda: err.extend(stderr), daemon=True),
    ]
    ssh: list[str] = []
    for reader in readers:
        reader.start()
    try:
        marker = f"logs-follow-{uuid.uuid4().hex}"
        # the tail came: compose is following, so what web writes from now on is new
        wait_until(
            lambda: any("web-1" in line for line in out), 60, 0.2, what="the first log lines"
        )
        # a line in web's output written after the follow started (the access log is quiet
        # at INFO): through the container's own stdout, as the app's logging writes
        deploy_ok(
            shipped.project, "deploy-shell", "-s", "web", "-c", f"echo {marker} > /proc/1/fd/1"
        )
        wait_until(
            lambda: any(marker in line for line in out),
            30,
            0.2,
            what=f"{marker} in the logs",
            details=lambda: "".join(out + err)[-3000:],
        )
        assert process.poll() is None, "".join(out + err)
        ssh = subprocess.run(
            ["pgrep", "-P", str(process.pid), "-x", "ssh"], capture_output=True, text=True
        ).stdout.split()
        assert ssh, "deploy-logs -f runs no ssh"

        process.terminate()
        started = time.monotonic()
        code = process.wait(timeout=15)
        seconds = time.monotonic() - started
        # its ssh went with it: nothing left following the logs on the server
        gone = wait_until(lambda: not any(Path(f"/proc/{pid}").exists() for pid in ssh), 10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        for pid in ssh:  # only when the test failed: never leave our ssh behind
            if Path(f"/proc/{pid}").exists():
                os.kill(int(pid), signal.SIGKILL)
    for reader in readers:
        reader.join(timeout=10)
    output = "".join(out + err)
    print(f"\ndeploy-logs -f ended {seconds:.2f} s after SIGTERM, exit code {code}")
    assert seconds < 5, output
    assert "Traceback" not in output, output
    assert code == 0, output  # as after Ctrl-C: following ended on purpose
    assert gone, f"ssh {ssh} still runs after deploy-logs ended"
