"""The runtime under a real uvicorn: shared health runs, "starting" during warm-up, the logs.

The project has one real installed component, `counted`, whose health check writes a line per
run to a file (so a test counts runs from outside the server) and takes `COUNTED_DELAY`
seconds, and whose warm-up (in its lifespan) takes `COUNTED_WARM_UP` seconds. Nothing here is
timed: tests count runs and read what the server answered and wrote.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import psutil
import pytest
from aegis_core.testing import (
    RunningServer,
    free_port,
    run_server,
    wait_until,
    write_distribution,
)

COUNTED = """
from __future__ import annotations

import asyncio
import os
import time
from contextlib import asynccontextmanager

from aegis_core import Component, ComponentHealth
from aegis_core.startup import warming


_kept = []
warm_up_started = False


def _warm_up() -> None:
    global warm_up_started
    warm_up_started = True
    time.sleep(float(os.environ.get("COUNTED_WARM_UP", "0")))  # like importing a big library
    # Like building routes: many blocks in this thread's heap, freed but for the last one.
    blocks = [bytes(4096) for _ in range(int(os.environ.get("COUNTED_WARM_UP_MB", "0")) * 256)]
    _kept.extend(blocks[-1:])
    del blocks


@asynccontextmanager
async def lifespan(app):
    async with warming(_warm_up, what="counted"):
        yield


async def health_check() -> ComponentHealth:
    with open(os.environ["COUNTED_RUNS_FILE"], "a") as runs:
        runs.write("run\\n")
    await asyncio.sleep(float(os.environ.get("COUNTED_DELAY", "0")))
    return ComponentHealth(name="counted", status="healthy", message="counted")


component = Component(health_check=health_check, lifespan=lifespan)
"""

PROJECT = {
    "app/__init__.py": "",
    "app/main.py": """
        from aegis_core import CoreSettings, create_app

        app = create_app(CoreSettings(APP_NAME="runtime-app", DASHBOARD_ENABLED=False))
    """,
    "app/components/__init__.py": "",
    "app/components/backend/__init__.py": "",
    "app/components/backend/api/__init__.py": "",
    "app/components/backend/api/routing.py": """
        import logging

        from fastapi import APIRouter

        router = APIRouter()
        logger = logging.getLogger("app.orders")


        @router.get("/orders")
        async def orders() -> dict[str, int]:
            logger.warning("listing orders")
            return {"orders": 0}


        @router.get("/warm-up")
        async def warm_up() -> dict[str, bool]:
            import aegis_counted

            return {"started": aegis_counted.warm_up_started}
    """,
}


def write_project(root: Path) -> Path:
    """The project package and the installed `counted` distribution under `root`."""
    for relative, source in PROJECT.items():
        path = root / "project" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source).lstrip())
    write_distribution(
        root / "site",
        "aegis-counted",
        "0.4.2",
        modules={"aegis_counted.py": COUNTED},
        entry_points={"counted": "aegis_counted:component"},
        requires=["aegis-core>=0.1,<0.2"],
        summary="Counts its health runs.",
    )
    (root / "project" / "pyproject.toml").write_text('[project]\nname = "runtime-app"\n')
    return root / "project"


def server_env(root: Path, **settings: str) -> dict[str, str]:
    return {
        "PYTHONPATH": os.pathsep.join([str(root / "project"), str(root / "site")]),
        "AEGIS_COMPONENTS": "counted",
        "AEGIS_PROJECT_DIR": str(root / "project"),
        "COUNTED_RUNS_FILE": str(runs_file(root)),
        **settings,
    }


def runs_file(root: Path) -> Path:
    return root / "runs.txt"


def runs(root: Path) -> int:
    path = runs_file(root)
    return len(path.read_text().splitlines()) if path.exists() else 0


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("runtime")
    write_project(root)
    return root


@contextmanager
def serve(root: Path, ready_path: str = "/health", **settings: str) -> Iterator[RunningServer]:
    runs_file(root).unlink(missing_ok=True)
    env = server_env(root, **settings)
    with run_server("app.main:app", cwd=root / "project", env=env, ready_path=ready_path) as s:
        yield s


async def concurrent_gets(url: str, clients: int) -> list[httpx.Response]:
    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(timeout=30, limits=limits) as client:
        return await asyncio.gather(*(client.get(url) for _ in range(clients)))


def test_concurrent_callers_share_one_run_of_the_checks(root: Path) -> None:
    """32 clients at once while a 1 s check runs: one run between them, not 32."""
    settings = {"HEALTH_CACHE_SECONDS": "0", "COUNTED_DELAY": "1"}  # reuse nothing: share only
    with serve(root, **settings) as server:
        before = runs(root)
        responses = asyncio.run(concurrent_gets(f"{server.url}/health/detailed", 32))
        assert [r.status_code for r in responses] == [200] * 32
        assert {r.json()["components"]["counted"]["message"] for r in responses} == {"counted"}
        shared = runs(root) - before
        assert 1 <= shared <= 3, f"{shared} runs for 32 concurrent callers"
        assert len({r.json()["timestamp"] for r in responses}) == shared


def test_a_recent_result_is_reused_by_health_and_detailed(root: Path) -> None:
    with serve(root, HEALTH_CACHE_SECONDS="30") as server:
        first = server.get("/health/detailed").json()
        before = runs(root)
        for path in ("/health", "/health/detailed") * 10:
            assert server.get(path).status_code == 200
        assert runs(root) == before
        assert server.get("/health/detailed").json()["timestamp"] == first["timestamp"]


def test_warm_ups_start_once_the_first_request_is_answered(root: Path) -> None:
    """A warm-up thread would hold the GIL while the first request (a start-up probe's) is
    served: it starts after that answer instead. The server is polled from its very first
    moment, so the first answer this test gets is the server's first answer."""
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "app.main:app", "--port", str(port)]
    env = {**os.environ, **server_env(root)}
    server = subprocess.Popen(command, cwd=root / "project", env=env, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/api/warm-up"
    try:
        answers: list[dict[str, bool]] = []
        wait_until(lambda: _record(answers, _answer(url)), 60, what="the server's first answer")
        assert answers[0] == {"started": False}
        wait_until(lambda: _answer(url) == {"started": True}, 30, what="the warm-up")
    finally:
        server.terminate()
        server.wait(timeout=30)


def _record(answers: list[dict[str, bool]], answer: dict[str, bool] | None) -> bool:
    if answer is not None:
        answers.append(answer)
    return answer is not None


def _answer(url: str) -> dict[str, bool] | None:
    try:
        answer: dict[str, bool] = httpx.get(url, timeout=10).json()
    except httpx.TransportError:
        return None
    return answer


def test_health_says_starting_until_the_first_run_has_finished(root: Path) -> None:
    """The server answers while the component still warms up, and never claims `healthy`
    for a check that has not run; then the real result replaces it."""
    with serve(root, ready_path="/api/orders", COUNTED_WARM_UP="4") as server:
        early = server.get("/health")
        assert early.status_code == 200
        counted = early.json()["components"]["counted"]
        assert counted["status"] == "info"
        assert counted["message"].startswith("starting")
        assert runs(root) == 0  # the check waits for the warm-up
        wait_until(
            lambda: server.get("/health").json()["components"]["counted"]["status"] == "healthy",
            60,
            what="the first health run after the warm-up",
        )
        assert runs(root) >= 1


def test_json_logs_one_start_line_nothing_per_request_and_the_request_id(root: Path) -> None:
    with serve(root, LOG_FORMAT="json", HEALTH_CACHE_SECONDS="0") as server:
        lines_at_start = server.log().splitlines()
        for path in ("/health", "/health/detailed", "/api/orders") * 5:
            assert server.get(path).status_code == 200
        answered = server.get("/api/orders", headers={"X-Request-ID": "order-42"})
        forged = server.get("/api/orders", headers={"X-Request-ID": "bad id [request_id=x]"})
        lines = server.log().splitlines()

    assert answered.headers["X-Request-ID"] == "order-42"
    generated = forged.headers["X-Request-ID"]
    assert generated != "bad id [request_id=x]" and len(generated) == 32
    records = [json.loads(line) for line in lines]  # every line is JSON, uvicorn's too
    started = [r for r in records if "started" in r["message"] and r["logger"] == "aegis.app"]
    assert len(started) == 1
    assert "runtime-app started" in started[0]["message"]
    assert "counted 0.4.2" in started[0]["message"]
    info = [r for r in records if r["level"] == "INFO"]
    assert len(info) == sum('"level": "INFO"' in line for line in lines_at_start), info
    orders = [r for r in records if r["message"] == "listing orders"]
    assert len(orders) == 7
    assert {"order-42", generated} <= {r.get("request_id") for r in orders}


def test_text_logs_carry_the_request_id(root: Path) -> None:
    with serve(root) as server:
        server.get("/api/orders", headers={"X-Request-ID": "abc-123"})
        log = server.log()
    assert "WARNING app.orders: listing orders [request_id=abc-123]" in log
    assert "Application startup complete" not in log and "GET /api/orders" not in log


def test_a_bad_log_format_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    from aegis_core.logs import configure_logging
    from aegis_core.settings import SettingsError

    monkeypatch.setenv("LOG_FORMAT", "xml")
    with pytest.raises(SettingsError) as raised:
        configure_logging("INFO")
    assert str(raised.value) == (
        "LOG_FORMAT='xml' is not allowed: set LOG_FORMAT in .env to one of 'text' or 'json'"
    )


def test_memory_the_warm_up_freed_goes_back_to_the_os_after_the_first_health_run(
    root: Path,
) -> None:
    """A warm-up thread's heap keeps freed pages mapped; the server hands them back once the
    first health run is done, so they do not count in its resident memory."""
    with serve(root, COUNTED_WARM_UP_MB="300") as server:
        assert wait_until(lambda: runs(root) >= 1, timeout=30)
        assert wait_until(lambda: not _starting(server), timeout=30)
        resident_mb = psutil.Process(server.process.pid).memory_info().rss / 2**20
    assert resident_mb < 200, f"{resident_mb:.0f} MB resident after a 300 MB warm-up churn"


def _starting(server: RunningServer) -> bool:
    entry = server.get("/health/detailed").json()["components"]["counted"]
    return bool(entry["metadata"].get("starting"))
