"""System health for your code: `status = await get_system_status(); status.overall_healthy`.

Runs the same checks as `/health/detailed` (inside the web process, the app's own); the
implementation lives in aegis-core.
"""

from aegis_core.system import SystemStatus, get_system_status

__all__ = ["SystemStatus", "get_system_status"]
