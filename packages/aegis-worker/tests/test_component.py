"""The component contract: discovered, cheap to import, wired to health, API, CLI, dashboard."""

from __future__ import annotations

import subprocess
import sys

from aegis_core.discovery import discover_components
from aegis_worker.component import component
from aegis_worker.settings import WorkerConfig


def test_discovered_through_entry_point() -> None:
    found = discover_components(frozenset({"worker", *component.requires}))
    assert found.get("worker") is component


def test_contract_parts_are_all_provided() -> None:
    assert component.settings is WorkerConfig
    assert component.routers is not None and component.cli is not None
    assert component.health_check is not None and component.dashboard_card is not None
    assert component.lifespan is not None


def test_component_and_cli_factory_do_not_import_arq_redis_or_fastapi() -> None:
    """Discovery imports every component, and the project CLI builds every sub-app, at each
    start (`<slug> --help` too): arq, redis and FastAPI must wait until a command runs."""
    code = (
        "import sys, aegis_worker; aegis_worker.component.cli(); "
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in {'arq', 'redis', 'fastapi'}); "
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_get_queue_pool_is_exported_lazily() -> None:
    import aegis_worker
    from aegis_worker.pools import get_queue_pool

    assert aegis_worker.get_queue_pool is get_queue_pool
