"""A real Docker engine for the container tests, made from Debian's packages (no registry).

No container registry is reachable from the test machines, so nothing is pulled: the engine
is Debian's `docker.io`, the Python base image is built with `mmdebstrap` and `docker import`
(`local/python:3.11`), and Redis is that base plus Debian's `redis-server` (`local/redis`).
Generated projects take both through their build argument / variable (`PYTHON_IMAGE`,
`REDIS_IMAGE`), exactly as a user would point them at a mirror. Other images a test needs
(`local/postgres`) are built the same way through `ensure_built`, the first time it asks.

Everything slow is done once and kept: the engine's data root lives under a stable folder
(`/var/lib/aegis-docker`, or `AEGIS_DOCKER_STATE`), so images and build layers survive between
runs; an engine started here keeps running for the next session, like the machine's Redis.
Under `CI=true` a missing part fails naming it; elsewhere the tests skip with that line.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aegis_core.testing import compose_binary, require

STATE = Path(os.environ.get("AEGIS_DOCKER_STATE", "/var/lib/aegis-docker"))
BASE_IMAGE = "local/python:3.11"
REDIS_IMAGE = "local/redis"
DEBIAN_PACKAGES = {"dockerd": "docker.io", "mmdebstrap": "mmdebstrap"}
"""Command on PATH -> the Debian package that provides it."""
CA_SOURCES = Path("/usr/local/share/ca-certificates")
CERTS = "/etc/ssl/certs/ca-certificates.crt"

BASE_PACKAGES = "python3,python3-venv,ca-certificates,passwd"
BASE_HOOK = (
    f'cp {CA_SOURCES}/*.crt "$1{CA_SOURCES}/" 2>/dev/null || true; '
    'chroot "$1" update-ca-certificates'
)
"""HTTPS from inside a build may go through this machine's extra CA certificates: copied into
the base image when it is made, never into the repository."""
BASE_ENV = [
    "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    f"ENV SSL_CERT_FILE={CERTS}",
    f"ENV PIP_CERT={CERTS}",
]
REDIS_DOCKERFILE = f"""FROM {BASE_IMAGE}
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends redis-server \\
    && rm -rf /var/lib/apt/lists/*
# Like the official image: `redis-server ARGS` listens on every interface of its network.
RUN printf '#!/bin/sh\\nif [ "$1" = redis-server ]; then shift; \\
exec /usr/bin/redis-server --protected-mode no "$@"; fi\\nexec "$@"\\n' \\
    > /usr/local/bin/entrypoint && chmod +x /usr/local/bin/entrypoint
WORKDIR /data
ENTRYPOINT ["/usr/local/bin/entrypoint"]
CMD ["redis-server"]
"""


@dataclass(frozen=True)
class Engine:
    """A Docker engine that answers, and the environment that reaches it with Compose v2."""

    env: dict[str, str]

    def docker(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        return docker(*args, env=self.env, timeout=timeout)


def docker(
    *args: str, env: dict[str, str] | None = None, timeout: float = 600, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["docker", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        input=stdin,
    )


def setup_lock() -> Any:
    """The file lock that guards installing, starting and provisioning the engine."""
    from filelock import FileLock

    STATE.mkdir(parents=True, exist_ok=True)
    return FileLock(str(STATE / "setup.lock"))


def ensure_engine() -> Engine:
    """Install, start and provision the engine as needed (once: a file lock guards it)."""
    problem = _missing_packages()
    if problem:
        require(False, problem)
    STATE.mkdir(parents=True, exist_ok=True)
    with setup_lock():
        problem = _start_engine()
        require(problem is None, problem or "")
        env = {"DOCKER_CONFIG": str(_compose_plugin())}
        for ensure in (_ensure_base_image, _ensure_redis_image):
            problem = ensure()
            require(problem is None, problem or "")
    return Engine(env)


def _missing_packages() -> str | None:
    """Install docker.io / mmdebstrap with apt-get when root; else name what to install."""
    missing = sorted({pkg for cmd, pkg in DEBIAN_PACKAGES.items() if not shutil.which(cmd)})
    if not missing:
        return None
    names = " ".join(missing)
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        return f"{names} (apt-get install {names}, as root)"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    update = subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True)
    install = ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing]
    if update.returncode or subprocess.run(install, env=env, capture_output=True).returncode:
        return f"{names}: apt-get install failed"
    return None


def engine_answers() -> bool:
    return docker("info", "--format", "{{.ServerVersion}}", timeout=30).returncode == 0


def _start_engine() -> str | None:
    """Start `dockerd` on the default socket when no engine answers; None once one does."""
    if engine_answers():
        return None
    if os.geteuid() != 0:
        return "a running Docker engine (start dockerd as root, or run the tests as root)"
    log = STATE / "dockerd.log"
    command = [
        "dockerd",
        "--data-root",
        str(STATE / "data"),
        "--exec-root",
        "/run/aegis-docker",
        "--pidfile",
        str(STATE / "dockerd.pid"),
    ]
    with open(log, "ab") as out:
        subprocess.Popen(
            command,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if engine_answers():
            return None
        time.sleep(0.5)
    tail = log.read_text(errors="replace").strip().splitlines()[-1:]
    return f"a running Docker engine (dockerd did not answer in 60 s: {' '.join(tail)})"


def _compose_plugin() -> Path:
    """A private Docker CLI config whose `docker compose` is the real Compose v2 binary."""
    config = STATE / "cli"
    plugin = config / "cli-plugins" / "docker-compose"
    plugin.parent.mkdir(parents=True, exist_ok=True)
    target = compose_binary()
    if not plugin.is_symlink() or os.readlink(plugin) != target:
        plugin.unlink(missing_ok=True)
        plugin.symlink_to(target)
    return config


def image_exists(name: str) -> bool:
    return docker("image", "inspect", name, timeout=30).returncode == 0


def debian_mirror() -> str:
    """The Debian mirror this machine's apt uses (deb822 or one-line sources)."""
    for path in sorted(Path("/etc/apt").glob("sources.list.d/*.sources")):
        for line in path.read_text().splitlines():
            if line.startswith("URIs:") and "security" not in line:
                return line.split()[1]
    sources = Path("/etc/apt/sources.list")
    if sources.exists():
        for line in sources.read_text().splitlines():
            words = line.split()
            if words[:1] == ["deb"] and "security" not in line:
                return next(w for w in words[1:] if "://" in w)
    return "http://deb.debian.org/debian"


def _ensure_base_image() -> str | None:
    """`local/python:3.11`: Debian bookworm's Python 3.11 with venv, like the official slim
    image (`passwd` for useradd); about a minute, once."""
    return ensure_debian_image(BASE_IMAGE, "bookworm", BASE_PACKAGES, [BASE_HOOK], BASE_ENV)


def ensure_debian_image(
    name: str, suite: str, packages: str, hooks: list[str], changes: list[str]
) -> str | None:
    """Image `name` from Debian `suite` with `packages` (mmdebstrap | docker import), made
    once and kept; None when it is there, else what failed. `hooks` are mmdebstrap
    customize-hooks (`$1` is the new root), `changes` Dockerfile lines for `docker import`."""
    if image_exists(name):
        return None
    options = ["--variant=minbase", f"--include={packages}"]
    options += [f"--customize-hook={hook}" for hook in hooks]
    bootstrap = subprocess.Popen(
        ["mmdebstrap", *options, suite, "-", debian_mirror()],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    change_args = [arg for line in changes for arg in ("-c", line)]
    imported = subprocess.run(
        ["docker", "import", *change_args, "-", name],
        stdin=bootstrap.stdout,
        capture_output=True,
        text=True,
    )
    assert bootstrap.stdout is not None and bootstrap.stderr is not None
    bootstrap.stdout.close()
    errors = bootstrap.stderr.read().decode(errors="replace")
    if bootstrap.wait() != 0 or imported.returncode != 0:
        last = (errors + imported.stderr).strip().splitlines()[-1:]
        return f"the image {name} (mmdebstrap | docker import failed: {last})"
    return None


def _ensure_redis_image() -> str | None:
    """`local/redis`: the base plus Debian's redis-server, behaving like the official image."""
    return ensure_built(REDIS_IMAGE, {"Dockerfile": REDIS_DOCKERFILE})


def ensure_built(name: str, files: dict[str, str], env: dict[str, str] | None = None) -> str | None:
    """Build `name` from `files` (a Dockerfile and what it copies) unless it exists; None once
    it does, else the line that says what failed. The build reaches Debian's mirror itself.
    Callers outside `ensure_engine` hold `setup_lock()`, so two sessions never build one image."""
    if image_exists(name):
        return None
    with tempfile.TemporaryDirectory() as context:
        for file, text in files.items():
            (Path(context) / file).write_text(text)
            (Path(context) / file).chmod(0o755)
        built = docker("build", "--network", "host", "-t", name, context, env=env, timeout=900)
    if built.returncode != 0:
        last = built.stderr.strip().splitlines()[-1:]
        return f"the image {name} (docker build failed: {last})"
    return None


READY = frozenset({"healthy", "completed"})
"""A container's state once `make up` is done with it (see Stack.health)."""
INDEX_PORT = 18765
"""The container tests serve the index on this port when it is free, under a path named after
the wheels' digest: while the sources do not change, the project's lock names the same URLs
every run, so the image's dependency layer stays cached between runs; when they change, the URL
changes too (uv caches a wheel per URL and file name, and a rebuilt wheel keeps its name)."""


@contextmanager
def serve_index(folder: Path, digest: str) -> Iterator[str]:
    """Serve a static index folder on 127.0.0.1 as `/<digest>/`: its base URL.

    Another session may serve the same digest on INDEX_PORT and stop while we still need it,
    so the server is only used once a file that only ours has answers."""
    with tempfile.TemporaryDirectory() as root:
        (Path(root) / digest).symlink_to(folder)
        token = f"served-by-{uuid.uuid4().hex}"
        (Path(root) / token).write_text("ours")
        for port in _candidate_ports():
            process = _http_server(Path(root), port)
            if _answers(port, token):
                break
            process.terminate()
            process.wait(timeout=10)
        else:
            raise AssertionError("could not serve the test index on 127.0.0.1")
        try:
            yield f"http://127.0.0.1:{port}/{digest}"
        finally:
            process.terminate()
            process.wait(timeout=10)


def _candidate_ports() -> Iterator[int]:
    from aegis_core.testing import free_port

    if not port_in_use(INDEX_PORT):
        yield INDEX_PORT
    for _ in range(3):
        yield free_port()


def _http_server(root: Path, port: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"]
    return subprocess.Popen(command, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _answers(port: int, token: str, timeout: float = 20) -> bool:
    """Whether the server on `port` serves `token` (so it is ours), within `timeout` s."""
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/{token}", timeout=2) as reply:
                return bool(reply.status == 200)
        except urllib.error.HTTPError:
            return False  # a server that is not ours
        except OSError:
            time.sleep(0.2)
    return False


def port_in_use(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class Stack:
    """A generated project run by Docker Compose under its own compose project name and port,
    through the project's own Makefile (`make up` / `make down`), as a user runs it."""

    project: Path
    name: str
    port: int
    engine: Engine
    one_shot: frozenset[str] = frozenset()
    """Services that run once and exit (a migration step): `completed` when they exited 0."""

    @property
    def env(self) -> dict[str, str]:
        return {
            **self.engine.env,
            "COMPOSE_PROJECT_NAME": self.name,
            "PORT": str(self.port),
            "PYTHON_IMAGE": BASE_IMAGE,
            "REDIS_IMAGE": REDIS_IMAGE,
            "BUILD_NETWORK": "host",  # the build reaches PyPI and the test's index on 127.0.0.1
        }

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def make(self, target: str) -> subprocess.CompletedProcess[str]:
        return self._run(["make", target])

    def compose(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        return self._run(["docker", "compose", *args], timeout=timeout)

    def _run(self, command: list[str], timeout: float = 900) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            command,
            cwd=self.project,
            env={**os.environ, **self.env},
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def containers(self) -> list[dict[str, Any]]:
        """Every container of this compose project, running or not (`docker ps -a`)."""
        listed = docker(
            "ps", "-a", "--filter", f"label=com.docker.compose.project={self.name}",
            "--format", "{{json .}}", env=self.engine.env,
        )  # fmt: skip
        assert listed.returncode == 0, listed.stderr
        return [json.loads(line) for line in listed.stdout.splitlines() if line.strip()]

    def health(self) -> dict[str, list[str]]:
        """Service -> the state of each of its containers (`healthy`, `starting`, `exited`, …;
        a one-shot service's `completed` or `failed`)."""
        listed = self.compose("ps", "-a", "--format", "json")
        assert listed.returncode == 0, listed.stderr
        states: dict[str, list[str]] = {}
        for line in listed.stdout.splitlines():
            if line.strip():
                row = json.loads(line)
                state = row["Health"] or row["State"]
                if row["Service"] in self.one_shot and state == "exited":
                    state = "completed" if row.get("ExitCode") == 0 else "failed"
                states.setdefault(row["Service"], []).append(state)
        return states

    def wait_healthy(self, timeout: float = 300) -> dict[str, list[str]]:
        """Poll until every container reports healthy by its HEALTHCHECK; the last states.

        An unhealthy container may recover (a check can time out on a busy machine), so only
        a container that stopped, or one seen restarting again and again, ends the wait early."""
        deadline = time.monotonic() + timeout
        states = self.health()
        restarts_seen = 0
        while time.monotonic() < deadline:
            if states and all(s in READY for ss in states.values() for s in ss):
                return states
            if any(s in {"exited", "dead", "failed"} for ss in states.values() for s in ss):
                break
            restarts_seen += any(s == "restarting" for ss in states.values() for s in ss)
            if restarts_seen > 15:  # a crash loop, not a slow start
                break
            time.sleep(2)
            states = self.health()
        raise AssertionError(
            f"not every container became healthy: {states}\n{self._logs_of_unready(states)}"
        )

    def _logs_of_unready(self, states: dict[str, list[str]]) -> str:
        """The recent logs of each service that is not ready, so a failure shows its cause."""
        unready = [service for service, ss in states.items() if any(s not in READY for s in ss)]
        return "\n".join(
            self.compose("logs", "--tail", "40", service).stdout[-3000:] for service in unready
        )

    def up(self) -> dict[str, list[str]]:
        """`make up`, then wait for every container to be healthy."""
        up = self.make("up")
        assert up.returncode == 0, up.stdout[-3000:] + up.stderr[-3000:]
        return self.wait_healthy()

    def ensure_up(self) -> dict[str, list[str]]:
        """The running stack, started again when a test took it down."""
        states = self.health()
        if states and all(s in {*READY, "starting"} for ss in states.values() for s in ss):
            return self.wait_healthy()
        return self.up()

    def tear_down(self) -> None:
        """Remove containers, networks and volumes of this compose project, and the images
        that rebuilds left without a name. `down --volumes` misses a volume whose service the
        project no longer has (`aegis remove worker` leaves redis-data): found by label."""
        self.compose("down", "--volumes", "--remove-orphans", "--timeout", "5")
        label = f"label=com.docker.compose.project={self.name}"
        left = docker("volume", "ls", "-q", "--filter", label, env=self.engine.env).stdout.split()
        if left:
            docker("volume", "rm", *left, env=self.engine.env)
        docker("image", "prune", "--force", env=self.engine.env)
