"""`get_system_status()`: the health of the running system, for code in the same process.

The dashboard, a route or a CLI command can ask directly instead of calling `/health` over
HTTP: `status = await get_system_status(); status.overall_healthy`. Inside the web process
it asks the app's own runtime (the components it loaded, the dashboard it mounted); anywhere
else (a script, a CLI command, a test) it builds one from the installed components and the
project's settings, so the answer covers the same components.
"""

from __future__ import annotations

from aegis_core.health.models import (
    ComponentHealth,
    HealthResponse,
    HealthStatus,
    HealthSummary,
    SystemStatus,
)
from aegis_core.runtime import AegisRuntime, current_runtime

__all__ = [
    "ComponentHealth",
    "HealthResponse",
    "HealthStatus",
    "HealthSummary",
    "SystemStatus",
    "get_system_status",
]


async def get_system_status() -> SystemStatus:
    """Run every health check now and return the whole tree (`.overall_healthy`, …)."""
    runtime = current_runtime() or _standalone_runtime()
    return await runtime.detailed_health()


def _standalone_runtime() -> AegisRuntime:
    from aegis_core.discovery import discover_components
    from aegis_core.settings import project_settings

    return AegisRuntime(settings=project_settings(), discovered=discover_components())
