"""Health models, as the API sends them: `HealthResponse.model_validate(response.json())`
validates a `/health` reply; `SystemStatus` is the `/health/detailed` tree."""

from aegis_core.health.models import ComponentHealth, HealthResponse, HealthStatus, SystemStatus

__all__ = ["ComponentHealth", "HealthResponse", "HealthStatus", "SystemStatus"]
