"""A component's `DeferredRouter`: the app starts and answers without making it, and once made
it serves, documents and 405s exactly as a router mounted at start-up would."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from aegis_core import CoreSettings, create_app
from aegis_core.testing import wait_until
from aegis_core.testing.packages import on_path, write_distribution
from fastapi import FastAPI
from fastapi.testclient import TestClient

COMPONENT = """
import os
from pathlib import Path

from aegis_core import Component, DeferredRouter


def caller() -> str:
    return "anonymous"


def build():
    from fastapi import APIRouter, Depends

    builds = Path(os.environ["SLOW_BUILDS"])
    builds.write_text(builds.read_text() + "built\\n")
    router = APIRouter(prefix="/slow", tags=["slow"])

    @router.get("/items/{item_id}")
    async def item(item_id: int, who: str = Depends(caller)) -> dict[str, object]:
        return {"item": item_id, "who": who}

    return router


component = Component(routers=lambda: [DeferredRouter("/slow", build)])
"""


@pytest.fixture
def builds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A component with a deferred router, installed; the file counts its builds."""
    site = tmp_path / "site"
    write_distribution(
        site,
        "aegis-slow",
        "0.1.0",
        modules={"aegis_slow.py": textwrap.dedent(COMPONENT)},
        entry_points={"slow": "aegis_slow:component"},
        requires=["aegis-core>=0.1,<0.2"],
    )
    counter = tmp_path / "builds"
    counter.write_text("")
    monkeypatch.setenv("SLOW_BUILDS", str(counter))
    monkeypatch.setenv("AEGIS_COMPONENTS", "slow")
    with on_path(site):
        yield counter


def made(builds: Path) -> int:
    return len(builds.read_text().splitlines())


def slow_app() -> FastAPI:
    settings = CoreSettings(APP_NAME="slow", DASHBOARD_ENABLED=False)
    return create_app(settings, project_package="none")


def test_the_app_answers_before_the_router_is_made_then_the_warm_up_makes_it_once(
    builds: Path,
) -> None:
    app = slow_app()
    assert made(builds) == 0
    client = TestClient(app)
    assert client.get("/health").status_code in {200, 503}
    assert client.get("/api/other").status_code == 404
    assert made(builds) == 0, "a path outside the router's prefix never makes it"
    with client:  # the lifespan runs: the warm-up makes it in a thread
        assert wait_until(lambda: made(builds) == 1, timeout=10)
        assert client.get("/api/slow/items/7").json() == {"item": 7, "who": "anonymous"}
    assert made(builds) == 1


def test_made_on_first_use_it_serves_validates_and_405s_like_a_mounted_router(
    builds: Path,
) -> None:
    client = TestClient(slow_app())  # no lifespan: no warm-up, the first request makes it
    assert client.get("/api/slow/items/7").json() == {"item": 7, "who": "anonymous"}
    assert client.get("/api/slow/items/seven").status_code == 422
    wrong_method = client.delete("/api/slow/items/7")
    assert wrong_method.status_code == 405 and wrong_method.headers["allow"] == "GET"
    assert client.get("/api/slow/nothing").status_code == 404
    assert made(builds) == 1


def test_the_openapi_schema_and_dependency_overrides_see_its_routes(builds: Path) -> None:
    app = slow_app()
    client = TestClient(app)
    operation = client.get("/openapi.json").json()["paths"]["/api/slow/items/{item_id}"]["get"]
    assert operation["tags"] == ["slow"]
    import aegis_slow  # type: ignore[import-not-found]  # the component above, on the path

    caller = aegis_slow.caller
    app.dependency_overrides[caller] = lambda: "tester"
    assert client.get("/api/slow/items/1").json() == {"item": 1, "who": "tester"}
    assert made(builds) == 1
