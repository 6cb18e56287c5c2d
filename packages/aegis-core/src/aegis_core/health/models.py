"""Health response models, shared by the API (response_model) and the CLI (model_validate).

Validate at the boundary, trust inside: everything that crosses HTTP goes through these.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

__all__ = [
    "ComponentHealth",
    "ComponentSummary",
    "DetailedHealth",
    "HealthResponse",
    "HealthStatus",
    "HealthSummary",
    "SystemStatus",
]


class HealthStatus(StrEnum):
    """Ordered from best to worst; a parent is never better than its worst child."""

    HEALTHY = "healthy"
    INFO = "info"
    WARNING = "warning"
    UNHEALTHY = "unhealthy"

    @property
    def severity(self) -> int:
        return _SEVERITY[self]

    @classmethod
    def worst(cls, statuses: Any) -> HealthStatus:
        return max(statuses, key=_SEVERITY.__getitem__, default=cls.HEALTHY)


_SEVERITY = {status: rank for rank, status in enumerate(HealthStatus)}


class ComponentHealth(BaseModel):
    """The health of one component, service or sub-component (a tree)."""

    name: str
    status: HealthStatus
    message: str = ""
    response_time_ms: float | None = None
    version: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)
    sub_components: dict[str, ComponentHealth] = Field(default_factory=dict)

    @property
    def healthy(self) -> bool:
        return self.status is not HealthStatus.UNHEALTHY

    def propagated(self) -> ComponentHealth:
        """This node with every status raised to its worst descendant's."""
        if not self.sub_components:  # a leaf is already right: no copy on the hot path
            return self
        children = {k: v.propagated() for k, v in self.sub_components.items()}
        status = HealthStatus.worst([self.status, *(c.status for c in children.values())])
        return self.model_copy(update={"status": status, "sub_components": children})


class ComponentSummary(BaseModel):
    status: HealthStatus
    message: str = ""


class HealthSummary(BaseModel):
    """`GET /health`: the overall verdict and one line per component."""

    status: HealthStatus
    healthy: bool
    components: dict[str, ComponentSummary]
    timestamp: datetime


class DetailedHealth(BaseModel):
    """`GET /health/detailed`: the whole tree, split into components and services."""

    status: HealthStatus
    healthy: bool
    app_name: str
    aegis_core_version: str
    components: dict[str, ComponentHealth]
    services: dict[str, ComponentHealth]
    timestamp: datetime

    @property
    def overall_healthy(self) -> bool:
        """The same verdict as `healthy`, under the name service code tends to use."""
        return self.healthy

    def summary(self) -> HealthSummary:
        entries = {**self.components, **self.services}
        return HealthSummary(
            status=self.status,
            healthy=self.healthy,
            components={
                name: ComponentSummary(status=h.status, message=h.message)
                for name, h in entries.items()
            },
            timestamp=self.timestamp,
        )


HealthResponse = HealthSummary
"""What `GET /health` answers: `HealthResponse.model_validate(response.json())` in a client."""

SystemStatus = DetailedHealth
"""What `get_system_status()` returns: the whole tree, as `GET /health/detailed` shows it."""
