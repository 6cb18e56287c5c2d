"""`GET /health` and `GET /health/detailed`: 200 unless something is unhealthy, then 503.

Probes, load balancers, monitors and dashboards hammer both: they share one run in flight and
reuse its result for `HEALTH_CACHE_SECONDS` (health/cache.py). Built per app around its
runtime, so the endpoints take no parameters (resolving a `Request` parameter is a measurable
share of such a small endpoint). The models
are validated once, in the runner, and serialized straight to JSON once per result;
`response_model` still documents them in OpenAPI.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Response

from aegis_core.health.models import DetailedHealth, HealthSummary
from aegis_core.runtime import AegisRuntime

JSON = "application/json"


class _Body:
    """The JSON of the latest health result, rendered once per result."""

    def __init__(self, render: Callable[[DetailedHealth], str]) -> None:
        self._render = render
        self._of: DetailedHealth | None = None
        self._body = ""

    def response(self, health: DetailedHealth) -> Response:
        if health is not self._of:
            self._body, self._of = self._render(health), health
        return Response(self._body, status_code=200 if health.healthy else 503, media_type=JSON)


def _unhealthy(model: type) -> dict[int | str, dict[str, object]]:
    """The 503 both endpoints answer while something is unhealthy: documented, same body."""
    return {503: {"model": model, "description": "Something is unhealthy; the body says what."}}


def health_router(runtime: AegisRuntime) -> APIRouter:
    """The health endpoints of the app that `runtime` describes."""
    router = APIRouter(tags=["health"])
    summary = _Body(lambda health: health.summary().model_dump_json())
    detailed = _Body(lambda health: health.model_dump_json())

    @router.get("/health", response_model=HealthSummary, responses=_unhealthy(HealthSummary))
    async def health() -> Response:
        """The overall verdict and one line per component and service (may be ~1 s old)."""
        return summary.response(await runtime.recent_health())

    @router.get(
        "/health/detailed", response_model=DetailedHealth, responses=_unhealthy(DetailedHealth)
    )
    async def health_detailed() -> Response:
        """The whole tree: timings, versions, metadata, sub-components (may be ~1 s old)."""
        return detailed.response(await runtime.recent_health())

    return router
