"""The health runner (timeouts, failures, propagation) and the /health status codes."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest
from aegis_core import ComponentHealth, CoreSettings, HealthStatus, create_app
from aegis_core.component import HealthCheck
from aegis_core.health.builtin import _SnapshotCache
from aegis_core.health.cache import SharedResult
from aegis_core.health.runner import run_all, run_check
from aegis_core.runtime import AegisRuntime
from fastapi.testclient import TestClient

TIMEOUT = 0.2


def health(name: str, status: HealthStatus, **children: ComponentHealth) -> ComponentHealth:
    return ComponentHealth(name=name, status=status, sub_components=children)


def returning(result: ComponentHealth) -> HealthCheck:
    async def check() -> ComponentHealth:
        return result

    return check


async def hangs() -> ComponentHealth:
    await asyncio.Event().wait()
    raise AssertionError("unreachable")


async def raises() -> ComponentHealth:
    raise ConnectionRefusedError("redis is down")


async def test_timeout_reports_unhealthy_quickly() -> None:
    started = time.perf_counter()
    result = await run_check("slow", hangs, TIMEOUT)

    assert time.perf_counter() - started < TIMEOUT + 0.15
    assert result.status is HealthStatus.UNHEALTHY
    assert result.message == "health check did not answer within 0.2s"
    assert result.response_time_ms is not None and result.response_time_ms >= TIMEOUT * 1000


async def test_timeout_holds_even_when_the_check_swallows_cancellation() -> None:
    released = asyncio.Event()

    async def stubborn() -> ComponentHealth:
        """The worst kind of check: it swallows cancellation and keeps waiting."""
        while not released.is_set():
            try:
                await released.wait()
            except asyncio.CancelledError:
                continue
        return health("stubborn", HealthStatus.HEALTHY)

    running = asyncio.ensure_future(run_check("stubborn", stubborn, TIMEOUT))
    done, _ = await asyncio.wait({running}, timeout=TIMEOUT + 0.15)
    released.set()  # let it end either way, or the test's event loop could never close

    assert running in done, "run_check waited for a check that ignores cancellation"
    assert running.result().status is HealthStatus.UNHEALTHY


async def test_exception_reports_unhealthy_with_the_reason() -> None:
    result = await run_check("redis", raises, TIMEOUT)

    assert result.status is HealthStatus.UNHEALTHY
    assert result.message == "health check failed: ConnectionRefusedError: redis is down"


async def test_wrong_return_type_is_unhealthy() -> None:
    async def returns_dict() -> ComponentHealth:
        return {"status": "healthy"}  # type: ignore[return-value]

    result = await run_check("sloppy", returns_dict, TIMEOUT)

    assert result.status is HealthStatus.UNHEALTHY
    assert "returned dict, not ComponentHealth" in result.message


async def test_result_is_renamed_and_timed() -> None:
    result = await run_check("db", returning(health("whatever", HealthStatus.HEALTHY)), TIMEOUT)

    assert result.name == "db"
    assert result.response_time_ms is not None and result.response_time_ms < 100


async def test_worst_child_status_propagates_upwards() -> None:
    tree = health(
        "db",
        HealthStatus.HEALTHY,
        pool=health("pool", HealthStatus.INFO, conn=health("conn", HealthStatus.UNHEALTHY)),
        replica=health("replica", HealthStatus.WARNING),
    )

    result = await run_check("db", returning(tree), TIMEOUT)

    assert result.status is HealthStatus.UNHEALTHY
    assert result.sub_components["pool"].status is HealthStatus.UNHEALTHY
    assert result.sub_components["replica"].status is HealthStatus.WARNING


async def test_run_all_runs_concurrently_and_splits_components_and_services() -> None:
    checks = {
        "a": ("component", hangs),
        "b": ("service", hangs),
        "c": ("component", returning(health("c", HealthStatus.HEALTHY))),
    }
    static = {"old": ("component", health("old", HealthStatus.WARNING))}

    started = time.perf_counter()
    result = await run_all(checks, timeout=TIMEOUT, app_name="demo", static=static)  # type: ignore[arg-type]

    assert time.perf_counter() - started < 2 * TIMEOUT  # not one timeout per check
    assert set(result.components) == {"a", "c", "old"}
    assert set(result.services) == {"b"}
    assert result.status is HealthStatus.UNHEALTHY and not result.healthy


async def test_warning_is_still_healthy() -> None:
    checks = {"c": ("component", returning(health("c", HealthStatus.WARNING)))}

    result = await run_all(checks, timeout=TIMEOUT, app_name="demo")  # type: ignore[arg-type]

    assert result.status is HealthStatus.WARNING and result.healthy


def test_worst_status_order() -> None:
    assert HealthStatus.worst([]) is HealthStatus.HEALTHY
    assert HealthStatus.worst([HealthStatus.INFO, HealthStatus.HEALTHY]) is HealthStatus.INFO
    assert (
        HealthStatus.worst([HealthStatus.UNHEALTHY, HealthStatus.WARNING]) is HealthStatus.UNHEALTHY
    )


def test_backend_snapshot_is_reused_within_its_ttl() -> None:
    cache = _SnapshotCache()

    first = cache.get(ttl=60)
    assert cache.get(ttl=60) is first
    assert cache.get(ttl=0) is not first
    assert first.metadata["process_rss_mb"] > 0


class CountingRun:
    def __init__(self, delay: float = 0.0, error: Exception | None = None) -> None:
        self.runs = 0
        self.delay = delay
        self.error = error

    async def __call__(self) -> int:
        self.runs += 1
        await asyncio.sleep(self.delay)
        if self.error is not None:
            raise self.error
        return self.runs


async def test_concurrent_callers_share_one_run_and_reuse_it_within_the_ttl() -> None:
    shared: SharedResult[int] = SharedResult()
    run = CountingRun(delay=0.05)

    results = await asyncio.gather(*(shared.get(run, ttl=60) for _ in range(5)))
    again = await shared.get(run, ttl=60)

    assert results == [1] * 5 and again == 1
    assert run.runs == 1


async def test_an_expired_or_disabled_cache_runs_again() -> None:
    shared: SharedResult[int] = SharedResult()
    run = CountingRun()

    assert await shared.get(run, ttl=0.05) == 1
    await asyncio.sleep(0.06)
    assert await shared.get(run, ttl=0.05) == 2
    assert await shared.get(run, ttl=0) == 3
    assert await shared.get(run, ttl=0) == 4


async def test_a_failed_run_is_not_kept() -> None:
    shared: SharedResult[int] = SharedResult()

    with pytest.raises(RuntimeError):
        await shared.get(CountingRun(error=RuntimeError("boom")), ttl=60)
    assert await shared.get(CountingRun(), ttl=60) == 1


async def test_a_caller_that_goes_away_does_not_cancel_the_shared_run() -> None:
    shared: SharedResult[int] = SharedResult()
    run = CountingRun(delay=0.05)

    impatient = asyncio.ensure_future(shared.get(run, ttl=60))
    patient = asyncio.ensure_future(shared.get(run, ttl=60))
    await asyncio.sleep(0.01)
    impatient.cancel()

    assert await patient == 1
    assert run.runs == 1


@pytest.fixture
def client(monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("AEGIS_COMPONENTS", "none")
    app = create_app(
        CoreSettings(DASHBOARD_ENABLED=False, HEALTH_CHECK_TIMEOUT=TIMEOUT),
        project_package="no_such_project",
    )
    with TestClient(app) as test_client:
        yield test_client


def runtime_of(client: TestClient) -> AegisRuntime:
    runtime: AegisRuntime = client.app.state.aegis  # type: ignore[attr-defined]
    return runtime


def test_health_is_200_while_nothing_is_unhealthy(client: TestClient) -> None:
    runtime_of(client).extra_checks["warn"] = (
        "service",
        returning(health("warn", HealthStatus.WARNING)),
    )

    response = client.get("/health")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "warning"
    assert set(body["components"]) == {"backend", "frontend", "warn"}
    assert body["components"]["frontend"]["status"] == "info"  # dashboard disabled


def test_health_is_503_when_a_check_fails(client: TestClient) -> None:
    runtime_of(client).extra_checks["redis"] = ("service", raises)

    summary = client.get("/health")
    detailed = client.get("/health/detailed")

    assert summary.status_code == detailed.status_code == 503
    assert summary.json()["components"]["redis"]["status"] == "unhealthy"
    assert detailed.json()["services"]["redis"]["message"].startswith("health check failed")


def test_health_and_detailed_share_one_recent_result(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AEGIS_COMPONENTS", "none")
    settings = CoreSettings(DASHBOARD_ENABLED=False, HEALTH_CACHE_SECONDS=60)
    app = create_app(settings, project_package="no_such_project")
    runs = 0

    async def counted() -> ComponentHealth:
        nonlocal runs
        runs += 1
        return health("counted", HealthStatus.HEALTHY)

    with TestClient(app) as client:
        runtime_of(client).extra_checks["counted"] = ("service", counted)
        for _ in range(3):
            assert client.get("/health").status_code == 200
            assert client.get("/health/detailed").status_code == 200
        assert runs == 1  # probes, monitors and people share one result


async def test_a_stale_result_is_served_while_the_next_run_is_in_flight() -> None:
    shared: SharedResult[int] = SharedResult()
    release = asyncio.Event()
    values = iter([1, 2])

    async def run() -> int:
        if shared.has_result:
            await release.wait()
        return next(values)

    assert await shared.get(run, ttl=0.01, stale_for=60) == 1
    await asyncio.sleep(0.02)
    assert await shared.get(run, ttl=0.01, stale_for=60) == 1  # stale, but a run is going
    release.set()
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert await shared.get(run, ttl=60) == 2
    assert shared.runs == 2


async def test_the_first_run_answers_starting_when_it_takes_longer_than_a_moment() -> None:
    shared: SharedResult[str] = SharedResult()
    release = asyncio.Event()

    async def slow() -> str:
        await release.wait()
        return "checked"

    async def starting() -> str:
        return "starting"

    assert await shared.get(slow, ttl=1, starting=starting, first_wait=0.01) == "starting"
    release.set()
    assert await shared.get(slow, ttl=1, starting=starting) == "checked"
    assert shared.runs == 1


def test_openapi_documents_the_503_both_endpoints_answer_when_unhealthy() -> None:
    app = create_app(CoreSettings(APP_NAME="docs"), project_package="no_project")
    paths = app.openapi()["paths"]
    for path in ("/health", "/health/detailed"):
        assert set(paths[path]["get"]["responses"]) == {"200", "503"}, path
