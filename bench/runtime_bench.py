"""Runtime figures of a grown project, each beside its bare counterpart in the same run.

    uv run python bench/runtime_bench.py [--runs 5] [--seconds 2] [--rounds 5] [--jobs 20000]
        [--memory] [--tracemalloc] [--index DIR]

The project is a user's: `aegis init` then `aegis add database,scheduler,worker` (SQLite), from
this checkout's wheels (or `--index DIR`, a folder of wheels, e.g. built from an older commit
for a "before" figure), migrated, in its own venv. That venv holds what those components need
and nothing else (not aegis-auth's PyJWT/cryptography, nor aegis-ai's libraries, which the
workspace venv has); every server and worker below runs under its python, the bare FastAPI app
and raw arq too. `--memory` measures only memory (per component, and RSS after load).

- cold start to the first 200 on `/health` (spawn `uvicorn` → 200), median of `--runs`:
  the kernel alone (`AEGIS_COMPONENTS=none`), then with database (SQLite), scheduler and
  worker; each run alternates with a bare FastAPI app serving the same JSON;
- RSS of each server after `/health` load (the components' first health run included);
- `/health` req/s with the three components against the bare app, alternating pairs;
- `/health/detailed` under 32 concurrent clients (keep-alive connections): p50, p99, req/s;
- a worker process draining `--jobs` `ping` jobs (`python -m aegis_worker run system`)
  against raw arq (`arq` with its defaults and the same `ping`) on the same Redis.

Every server and worker is a real OS process on loopback; every wait is bounded. Load comes
from httpx in this process (wrk when installed, for req/s). Redis keys use a fresh prefix and
are deleted afterwards (never FLUSHALL).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
from core_bench import BARE_APP, bench_env, machine, measure, serve, wrk_latency

COMPONENTS = "database,scheduler,worker"
SLUG = "bench-app"
RAW_ARQ = """
import os

from arq.connections import RedisSettings

from aegis_worker.tasks import ping


class WorkerSettings:
    functions = [ping]
    queue_name = os.environ["BENCH_QUEUE"]
    redis_settings = RedisSettings.from_dsn(os.environ["REDIS_URL"])
"""


def make_project(scratch: Path, index: str | None) -> tuple[Path, str]:
    """A generated project with the three components, migrated; its folder and its python."""
    env = {k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "AEGIS_INDEX"}}
    if index:
        env["AEGIS_INDEX"] = index
    aegis = [sys.executable, "-m", "aegis_cli"]
    root = scratch / SLUG
    for command, cwd in (
        ([*aegis, "init", SLUG, "--no-interactive"], scratch),
        ([*aegis, "add", COMPONENTS, "--yes"], root),
    ):
        done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command[2:])} failed:\n{done.stdout}{done.stderr}")
    python = str(root / ".venv" / "bin" / "python")
    migrate = subprocess.run(
        [python, "-m", "aegis_database", "upgrade"], cwd=root, env=env, capture_output=True
    )
    if migrate.returncode != 0:
        raise RuntimeError(f"migrate failed: {migrate.stderr.decode()}")
    (root / "bare.py").write_text(BARE_APP)
    (root / "bench_raw_arq.py").write_text(RAW_ARQ)
    return root, python


def installed(python: str) -> str:
    """The distributions in the project's venv that matter for memory."""
    script = (
        "import importlib.metadata as m; names = {d.metadata['Name'].lower() for d in "
        "m.distributions()}; print(', '.join(sorted(n for n in names if n.startswith('aegis'))),"
        " '| cryptography' if 'cryptography' in names else '| no cryptography',"
        " '| pyjwt' if 'pyjwt' in names else '| no pyjwt')"
    )
    return subprocess.run([python, "-c", script], capture_output=True, text=True).stdout.strip()


def env_for(root: Path, components: str, redis_url: str, prefix: str) -> dict[str, str]:
    env = bench_env(root)
    env.pop("VIRTUAL_ENV", None)
    return {
        **env,
        "AEGIS_COMPONENTS": components,
        "AEGIS_PROJECT_DIR": str(root),
        "DATABASE_URL": f"sqlite:///{root}/data/app.db",
        "REDIS_URL": redis_url,
        "WORKER_QUEUE_PREFIX": prefix,
        "BENCH_PAYLOAD": '{"status":"healthy"}',
    }


def cold_starts(root: Path, python: str, env: dict[str, str], runs: int) -> dict[str, list[float]]:
    """Alternating runs of the project and the bare app: seconds to the first 200."""
    times: dict[str, list[float]] = {"project": [], "bare": []}
    for app in ("app.main:app", "bare:app"):  # not counted: writes the bytecode caches
        with serve(app, root, env, python):
            pass
    for _ in range(runs):
        for side, app in (("project", "app.main:app"), ("bare", "bare:app")):
            with serve(app, root, env, python) as (_, elapsed):
                times[side].append(elapsed)
    return times


def health_rate(
    root: Path, python: str, env: dict[str, str], seconds: float, rounds: int
) -> dict[str, float]:
    """`/health` req/s, project vs bare (median of alternating pairs), and both RSS after."""
    with (
        serve("app.main:app", root, env, python) as (project, _),
        serve("bare:app", root, env, python) as (bare, _),
    ):
        _wait_checked(project.url)
        for server in (project, bare):  # warm-up
            measure(server, 1.0)
        pairs = [(measure(project, seconds), measure(bare, seconds)) for _ in range(rounds)]
        detailed = detailed_load(f"{project.url}/health/detailed", seconds * 2)
        return {
            "ratio": statistics.median(p.rps / b.rps for p, b in pairs),
            "project_rps": statistics.median(p.rps for p, _ in pairs),
            "bare_rps": statistics.median(b.rps for _, b in pairs),
            "project_cpu_us": statistics.median(p.cpu_us_per_request for p, _ in pairs),
            "bare_cpu_us": statistics.median(b.cpu_us_per_request for _, b in pairs),
            "project_rss_mb": project.rss_mb(),
            "bare_rss_mb": bare.rss_mb(),
            **detailed,
        }


def _wait_checked(url: str, timeout: float = 60) -> None:
    """Until the first health run has finished (no "starting" entry left)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and "starting" in httpx.get(f"{url}/health").text:
        time.sleep(0.1)


def detailed_load(url: str, seconds: float, clients: int = 32) -> dict[str, float]:
    """`clients` concurrent keep-alive clients on `url`: wrk when installed (the latency the
    server gives), else httpx in this process (its own CPU then weighs on the figures)."""
    measured = wrk_latency(url, clients, seconds)
    if measured is None:
        return asyncio.run(concurrent_load(url, clients, seconds))
    return {
        "detailed_rps": measured["rps"],
        "detailed_p50_ms": measured["p50_ms"],
        "detailed_p99_ms": measured["p99_ms"],
    }


async def concurrent_load(url: str, clients: int, seconds: float) -> dict[str, float]:
    """`clients` keep-alive connections asking `url` in a loop for `seconds`."""
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds

    async def client_loop(client: httpx.AsyncClient) -> None:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            (await client.get(url)).raise_for_status()
            latencies.append(time.perf_counter() - started)

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(timeout=30, limits=limits) as client:
        started = time.perf_counter()
        await asyncio.gather(*(client_loop(client) for _ in range(clients)))
        elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "detailed_rps": len(ordered) / elapsed,
        "detailed_p50_ms": ordered[len(ordered) // 2] * 1000,
        "detailed_p99_ms": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000,
    }


def drain(root: Path, python: str, env: dict[str, str], side: str, jobs: int) -> float:
    """Jobs/s of one worker process draining `jobs` queued `ping` jobs."""
    from aegis_worker.connection import connect
    from aegis_worker.loadtest import enqueue_many
    from aegis_worker.settings import WorkerConfig

    prefix = f"bench-runtime:{uuid.uuid4().hex[:8]}"
    config = WorkerConfig(REDIS_URL=env["REDIS_URL"], WORKER_QUEUE_PREFIX=prefix)
    queue = config.queue_name("system")

    async def run() -> float:
        pool = connect(config.REDIS_URL, timeout=10, bounded=False)
        try:
            ids = await enqueue_many(pool, "ping", jobs, {}, queue)
            command = [python, "-m", "aegis_worker", "run", "system"]
            if side == "raw arq":
                command = [python, "-m", "arq", "bench_raw_arq.WorkerSettings"]
            worker_env = {**env, "WORKER_QUEUE_PREFIX": prefix, "BENCH_QUEUE": queue}
            process = subprocess.Popen(
                command,
                cwd=root,
                env=worker_env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                return await _drained(pool, queue, jobs, process)
            finally:
                process.terminate()
                process.wait(timeout=30)
                await _delete(pool, prefix, ids)
        finally:
            await pool.aclose()

    return asyncio.run(run())


async def _drained(pool: object, queue: str, jobs: int, process: subprocess.Popen[bytes]) -> float:
    """From the first job taken to an empty queue (bounded: 20 minutes)."""
    first: float | None = None
    deadline = time.monotonic() + 1200
    while time.monotonic() < deadline:
        left = await pool.zcard(queue)  # type: ignore[attr-defined]
        now = time.perf_counter()
        if first is None and left < jobs:
            first = now
        if left == 0 and first is not None:
            return jobs / max(now - first, 1e-3)
        if process.poll() is not None:
            raise RuntimeError(f"worker exited with {process.returncode}")
        await asyncio.sleep(0.01)
    raise TimeoutError("the backlog did not drain within 20 minutes")


async def _delete(pool: object, prefix: str, ids: list[str]) -> None:
    from arq.constants import result_key_prefix

    for start in range(0, len(ids), 500):
        await pool.delete(*(result_key_prefix + i for i in ids[start : start + 500]))  # type: ignore[attr-defined]
    keys = [key async for key in pool.scan_iter(match=f"{prefix}*")]  # type: ignore[attr-defined]
    if keys:
        await pool.delete(*keys)  # type: ignore[attr-defined]


COSTS = """
import importlib, sys, tracemalloc

def rss():
    with open("/proc/self/status") as status:
        line = next(l for l in status if l.startswith("VmRSS:"))
    return int(line.split()[1]) * 1024

traced = sys.argv[1:] == ["traced"]
if traced:
    tracemalloc.start(6)
LINEAGE = "aegis_database.migrations.lineage"  # absent before alembic left the web process
import fastapi  # noqa: F401  (the base every side has)
before = rss()
for label, modules in [
    ("aegis-core (create_app)", ["aegis_core.app"]),
    ("worker router (built with the app)", ["aegis_worker.api"]),
    ("worker health (arq, redis)", ["aegis_worker.health"]),
    ("scheduler (health)", ["aegis_scheduler.health"]),
    ("database health (sqlalchemy)", ["aegis_database.health", LINEAGE]),
    ("dashboard (flet)", ["flet", "flet.fastapi"]),
    ("alembic (CLI only; was in the health check)", ["aegis_database.migrations.commands"]),
]:
    for module in modules:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError:
            print(f"  ({module} not installed)")
    now = rss()
    if not traced:
        print(f"  {label}: +{(now - before) / 1048576:.1f} MB RSS")
    before = now
if not traced:
    print(f"  cryptography imported: {'cryptography' in sys.modules}")
if traced:
    sizes = {}
    for trace in tracemalloc.take_snapshot().traces:
        files = [f.filename for f in trace.traceback if "site-packages/" in f.filename]
        name = files[-1].split("site-packages/")[1].split("/")[0] if files else "(other)"
        sizes[name] = sizes.get(name, 0) + trace.size
    top = sorted(sizes.items(), key=lambda item: -item[1])[:8]
    print("  tracemalloc, by package: " + ", ".join(f"{n} {s / 1048576:.1f} MB" for n, s in top))
"""


def component_costs(root: Path, python: str, env: dict[str, str], traced: bool) -> None:
    """What each component's runtime imports cost, in one fresh process of the project's venv
    (each row after the rows above it); with `traced`, also tracemalloc's view by package
    (slow: minutes on a busy machine)."""
    print("memory per component (imports in a fresh process, after FastAPI):")
    for extra in ([], ["traced"]) if traced else ([],):
        command = [python, "-c", COSTS, *extra]
        done = subprocess.run(
            command, cwd=root, env=env, capture_output=True, text=True, timeout=300
        )
        print(done.stdout.rstrip() or done.stderr[-2000:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=20_000)
    parser.add_argument("--tracemalloc", action="store_true", help="also allocations by package")
    parser.add_argument("--memory", action="store_true", help="memory figures only")
    parser.add_argument("--index", help="folder of aegis wheels (default: built from here)")
    parser.add_argument("--redis", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    args = parser.parse_args()
    print(f"machine: {machine()}")
    prefix = f"bench-runtime:{uuid.uuid4().hex[:8]}"
    with tempfile.TemporaryDirectory() as tmp:
        root, python = make_project(Path(tmp), args.index)
        print(f"project venv: {installed(python)}")
        base_env = env_for(root, "none", args.redis, prefix)
        grown_env = env_for(root, COMPONENTS, args.redis, prefix)
        component_costs(root, python, grown_env, args.tracemalloc)
        if not args.memory:
            report_starts("base project", cold_starts(root, python, base_env, args.runs), 1.2)
            starts = cold_starts(root, python, grown_env, args.runs)
            report_starts(f"with {COMPONENTS}", starts, 1.3)
        load = health_rate(root, python, grown_env, args.seconds, args.rounds)
        report_load(load)
        if not args.memory:
            drains: dict[str, list[float]] = {"aegis": [], "raw arq": []}
            for _ in range(max(1, args.runs // 2)):
                for side in drains:
                    drains[side].append(drain(root, python, grown_env, side, args.jobs))
            report_drains(drains, args.jobs)
    print(f"machine after: load average {', '.join(f'{x:.1f}' for x in os.getloadavg())}")


def report_starts(label: str, times: dict[str, list[float]], target: float) -> None:
    project, bare = statistics.median(times["project"]), statistics.median(times["bare"])
    runs = ", ".join(f"{t:.2f}" for t in times["project"])
    print(
        f"cold start, {label}: {project:.2f} s (runs {runs}); bare FastAPI {bare:.2f} s; "
        f"ratio {project / bare:.2f} (target <= {target})"
    )


def report_load(load: dict[str, float]) -> None:
    print(
        f"RSS after load, with {COMPONENTS}: {load['project_rss_mb']:.0f} MB; bare FastAPI "
        f"{load['bare_rss_mb']:.0f} MB (target <= 80 MB)"
    )
    print(
        f"/health req/s, with {COMPONENTS}: {load['project_rps']:.0f} vs bare "
        f"{load['bare_rps']:.0f}; ratio {load['ratio']:.2f} (target >= 0.9); server CPU per "
        f"request {load['project_cpu_us']:.0f} us vs {load['bare_cpu_us']:.0f} us"
    )
    print(
        f"/health/detailed, 32 concurrent clients: {load['detailed_rps']:.0f} req/s, p50 "
        f"{load['detailed_p50_ms']:.1f} ms, p99 {load['detailed_p99_ms']:.1f} ms "
        f"(target p99 <= 100; load from {'wrk -t2 -c32' if shutil.which('wrk') else 'httpx'})"
    )


def report_drains(drains: dict[str, list[float]], jobs: int) -> None:
    rows = ", ".join(
        f"{side} {statistics.median(rates):.0f} jobs/s (runs {', '.join(f'{r:.0f}' for r in rs)})"
        for side, rs in drains.items()
        for rates in [rs]
    )
    print(f"worker draining {jobs} ping jobs, one process: {rows} (target >= 1000)")


if __name__ == "__main__":
    main()
