"""aegis-core figures: cold start, /health throughput against a bare FastAPI app, server RSS.

    uv run python bench/core_bench.py [--runs 5] [--seconds 4] [--rounds 3]

- Cold start: spawn `uvicorn app.main:app` (an app built by `create_app`, dashboard on) and
  time until `/health` first answers 200; median of `--runs`. Also the server's own CPU time
  until then, which other processes on a shared machine disturb much less than wall time.
- Throughput: the same app and a bare FastAPI app returning the same JSON from `/health`, both
  under the same uvicorn settings, measured alternately in one run (`--rounds` pairs); the
  figure is the median of the per-pair ratios. Also the server CPU time per request, again
  the steadier figure when the machine is shared. Load comes from `wrk` when installed
  (apt-get install wrk), else from a bounded httpx loop. Loopback only; every run is bounded
  in time or count.
- RSS of each server after the load.

Only aegis-core is measured (`AEGIS_COMPONENTS=none`): components add their own checks.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil
from aegis_core.testing import free_port

CORE_APP = """
from aegis_core import CoreSettings, create_app

app = create_app(CoreSettings(APP_NAME="bench"))
"""

BARE_APP = """
import json
import os

from fastapi import FastAPI

PAYLOAD = json.loads(os.environ["BENCH_PAYLOAD"])
app = FastAPI()


@app.get("/health")
async def health() -> dict:
    return PAYLOAD
"""

UVICORN_FLAGS = ["--host", "127.0.0.1", "--no-access-log", "--log-level", "warning"]


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]

    def rss_mb(self) -> float:
        return psutil.Process(self.process.pid).memory_info().rss / 1_048_576

    def cpu_seconds(self) -> float:
        times = psutil.Process(self.process.pid).cpu_times()
        return float(times.user + times.system)


def write_project(root: Path) -> None:
    (root / "app").mkdir()
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "main.py").write_text(CORE_APP)
    (root / "bare.py").write_text(BARE_APP)


def bench_env(root: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Our $PYTHONPATH is kept: pointing it at another aegis-core source tree benchmarks that.

    Bytecode is cached, as on a user's machine and in the project's image: with
    PYTHONDONTWRITEBYTECODE (set on some CI machines) every start compiles every module again,
    which measures the size of the source rather than what a start costs."""
    path = os.pathsep.join(p for p in (str(root), os.environ.get("PYTHONPATH", "")) if p)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PYTHONPATH": path, "AEGIS_COMPONENTS": "none", **(extra or {})}


@contextmanager
def serve(
    app: str, root: Path, env: dict[str, str], python: str = sys.executable
) -> Iterator[tuple[Server, float]]:
    """Start uvicorn (under `python`); yield it and the seconds until `/health` first answered
    200."""
    port = free_port()
    started = time.perf_counter()
    command = [python, "-m", "uvicorn", app, "--port", str(port), *UVICORN_FLAGS]
    process = subprocess.Popen(
        command, cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    server = Server(f"http://127.0.0.1:{port}", process)
    try:
        yield server, wait_healthy(server, started)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:  # e.g. still importing in a warm-up thread
            process.kill()
            process.wait()


def wait_healthy(server: Server, started: float, timeout: float = 60) -> float:
    with httpx.Client(timeout=2) as client:
        while time.perf_counter() - started < timeout:
            if server.process.poll() is not None:
                raise RuntimeError(f"server exited with {server.process.returncode}")
            try:
                if client.get(f"{server.url}/health").status_code == 200:
                    return time.perf_counter() - started
            except httpx.HTTPError:
                pass
            time.sleep(0.005)
    raise TimeoutError("server never answered 200 on /health")


def requests_per_second(url: str, seconds: float) -> float:
    """wrk for `seconds` (1 thread, 8 connections), or a bounded keep-alive httpx loop."""
    out = _wrk(["-t1", "-c8", f"-d{seconds:g}s", f"{url}/health"], seconds)
    if out is not None:
        match = re.search(r"Requests/sec:\s+([\d.]+)", out)
        if match is None or "Non-2xx" in out:
            raise RuntimeError(f"unexpected wrk output:\n{out}")
        return float(match.group(1))
    return _httpx_loop(url, seconds, max_requests=20_000)


WRK_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _wrk(args: list[str], seconds: float) -> str | None:
    """wrk's report for `args` (a run of `seconds`), or None when wrk is not installed."""
    wrk = shutil.which("wrk")
    if wrk is None:
        return None
    done = subprocess.run(
        [wrk, *args], capture_output=True, text=True, timeout=seconds + 30, check=True
    )
    return done.stdout


def wrk_latency(url: str, clients: int, seconds: float) -> dict[str, float] | None:
    """wrk with `clients` keep-alive connections (2 threads) for `seconds`: req/s and the p50
    and p99 latency in ms as the server gives them (no Python client in the way); None without
    wrk. 5xx answers are counted like the rest: under load a health endpoint may say 503."""
    out = _wrk(["-t2", f"-c{clients}", f"-d{seconds:g}s", "--latency", url], seconds)
    if out is None:
        return None
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+(?:us|ms|s))$", out, re.M))
    if rate is None or set(latency) != {"50", "99"}:
        raise RuntimeError(f"unexpected wrk output:\n{out}")

    def ms(value: str) -> float:
        number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()  # type: ignore[union-attr]
        return float(number) * WRK_UNITS[unit]

    return {"rps": float(rate.group(1)), "p50_ms": ms(latency["50"]), "p99_ms": ms(latency["99"])}


def _httpx_loop(url: str, seconds: float, max_requests: int) -> float:
    done = 0
    with httpx.Client(timeout=5) as client:
        started = time.perf_counter()
        while done < max_requests and time.perf_counter() - started < seconds:
            client.get(f"{url}/health").raise_for_status()
            done += 1
        return done / (time.perf_counter() - started)


def cold_starts(root: Path, runs: int) -> tuple[list[float], list[float], float]:
    """Wall seconds and server CPU seconds to the first 200, and the RSS right after."""
    walls, cpus, rss = [], [], 0.0
    for _ in range(runs):
        with serve("app.main:app", root, bench_env(root)) as (server, elapsed):
            walls.append(elapsed)
            cpus.append(server.cpu_seconds())
            rss = server.rss_mb()
    return walls, cpus, rss


@dataclass
class Load:
    rps: float
    cpu_us_per_request: float


def measure(server: Server, seconds: float) -> Load:
    cpu_before = server.cpu_seconds()
    rps = requests_per_second(server.url, seconds)
    cpu = server.cpu_seconds() - cpu_before
    return Load(rps, cpu / (rps * seconds) * 1e6)


def throughput(root: Path, seconds: float, rounds: int) -> dict[str, float]:
    with serve("app.main:app", root, bench_env(root)) as (core, _):
        payload = httpx.get(f"{core.url}/health").text
        bare_env = bench_env(root, {"BENCH_PAYLOAD": payload})
        with serve("bare:app", root, bare_env) as (bare, _):
            measure(core, min(1.0, seconds))  # warm-up
            measure(bare, min(1.0, seconds))
            pairs = []
            for _ in range(rounds):  # alternate, so drifting machine load hits both alike
                pairs.append((measure(core, seconds), measure(bare, seconds)))
            return {
                "ratio": statistics.median(c.rps / b.rps for c, b in pairs),
                "core_rps": statistics.median(c.rps for c, _ in pairs),
                "bare_rps": statistics.median(b.rps for _, b in pairs),
                "core_cpu_us": statistics.median(c.cpu_us_per_request for c, _ in pairs),
                "bare_cpu_us": statistics.median(b.cpu_us_per_request for _, b in pairs),
                "core_rss_mb": core.rss_mb(),
                "bare_rss_mb": bare.rss_mb(),
                "payload_bytes": len(payload),
            }


def machine() -> str:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    memory = psutil.virtual_memory().total / 1_073_741_824
    return (
        f"{os.cpu_count()} cores, {memory:.0f} GiB, {platform.platform(terse=True)}, "
        f"Python {platform.python_version()}, load average {load}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_project(root)
        walls, cpus, idle_rss = cold_starts(root, args.runs)
        load = throughput(root, args.seconds, args.rounds)
    report(walls, cpus, idle_rss, load)


def report(walls: list[float], cpus: list[float], idle_rss: float, load: dict[str, float]) -> None:
    runs = ", ".join(f"{t:.2f}" for t in walls)
    generator = "wrk -t1 -c8" if shutil.which("wrk") else "httpx keep-alive loop"
    print(f"machine after: load average {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(
        f"cold start to first 200 on /health: median {statistics.median(walls):.2f} s wall "
        f"(runs {runs}), {statistics.median(cpus):.2f} s server CPU; target <= 1.5 s"
    )
    print(
        f"/health req/s ({generator}): aegis-core {load['core_rps']:.0f}, bare FastAPI "
        f"{load['bare_rps']:.0f}; ratio {load['ratio']:.2f} (median of pairs; target >= 0.8)"
    )
    print(
        f"server CPU per request: aegis-core {load['core_cpu_us']:.0f} us, bare FastAPI "
        f"{load['bare_cpu_us']:.0f} us; ratio {load['bare_cpu_us'] / load['core_cpu_us']:.2f}"
    )
    print(
        f"server RSS: aegis-core {idle_rss:.0f} MB after start, {load['core_rss_mb']:.0f} MB "
        f"after load; bare FastAPI {load['bare_rss_mb']:.0f} MB "
        f"(payload {load['payload_bytes']:.0f} bytes)"
    )
    print(json.dumps({"cold_start_s": walls, "cold_start_cpu_s": cpus, **load}))


if __name__ == "__main__":
    main()
