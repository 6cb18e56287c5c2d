"""`GET /health` and `GET /health/detailed`: 200 unless something is unhealthy, then 503."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from aegis_core.health.models import DetailedHealth, HealthSummary
from aegis_core.runtime import AegisRuntime

router = APIRouter(tags=["health"])


def _runtime(request: Request) -> AegisRuntime:
    runtime: AegisRuntime = request.app.state.aegis
    return runtime


@router.get("/health", response_model=HealthSummary)
async def health(request: Request, response: Response) -> HealthSummary:
    detailed = await _runtime(request).detailed_health()
    response.status_code = 200 if detailed.healthy else 503
    return detailed.summary()


@router.get("/health/detailed", response_model=DetailedHealth)
async def health_detailed(request: Request, response: Response) -> DetailedHealth:
    detailed = await _runtime(request).detailed_health()
    response.status_code = 200 if detailed.healthy else 503
    return detailed
