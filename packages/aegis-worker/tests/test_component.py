"""The component contract: discovered, cheap to import, wired to health, API, CLI, dashboard."""

from __future__ import annotations

import json
import subprocess
import sys

from aegis_core import discover_components
from aegis_worker.component import component
from aegis_worker.settings import WorkerConfig


def test_discovered_through_entry_point() -> None:
    found = discover_components(frozenset({"worker"}))
    assert found.get("worker") is component


def test_contract_parts_are_all_provided() -> None:
    assert component.settings is WorkerConfig
    assert component.routers is not None and component.cli is not None
    assert component.health_check is not None and component.dashboard_card is not None
    assert component.lifespan is not None


def imported_after(code: str) -> list[str]:
    """The heavy modules (arq, redis, FastAPI, the queue pools) loaded once `code` has run in a
    fresh interpreter."""
    probe = (
        f"import json, sys\n{code}\n"
        "heavy = {'arq', 'redis', 'fastapi'}\n"
        "print(json.dumps(sorted(m for m in sys.modules\n"
        "                        if m.split('.')[0] in heavy or m == 'aegis_worker.pools')))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    loaded: list[str] = json.loads(out.stdout)
    return loaded


def test_discovery_and_the_project_cli_do_not_import_arq_redis_or_fastapi() -> None:
    """Discovery imports every component, and the project CLI runs every `cli` hook, at each
    start (`<slug> --help` too): arq, redis and FastAPI must wait until a command runs."""
    code = "from aegis_core.cli import build_cli; build_cli('demo')"
    assert imported_after(code) == []


def test_the_app_is_built_without_arq_or_redis_and_the_worker_routes_come_on_first_use() -> None:
    """The worker's routes are made from the queue modules (arq, redis: ~0.2 s of imports)
    after the server answers, so they cost a grown project's cold start nothing."""
    code = (
        "import os\nos.environ['AEGIS_COMPONENTS'] = 'worker'\n"
        "from aegis_core import CoreSettings, create_app\n"
        "app = create_app(CoreSettings(DASHBOARD_ENABLED=False), project_package='no_project')\n"
    )
    assert not {m.split(".")[0] for m in imported_after(code)} & {"arq", "redis"}
    used = imported_after(
        f"{code}from fastapi.testclient import TestClient\n"
        "assert TestClient(app).get('/api/worker/tasks').status_code in (200, 503)\n"
    )
    assert "arq" in used


def test_get_queue_pool_is_exported_lazily() -> None:
    """`import aegis_worker` leaves arq alone; the first use of `get_queue_pool` imports it."""
    assert imported_after("import aegis_worker") == []
    used = imported_after("import aegis_worker\naegis_worker.get_queue_pool")
    assert "aegis_worker.pools" in used and "arq" in used
