"""The state of one running app: its settings, its components and how to ask their health.

Stored on `app.state.aegis`; the health router, the dashboard and tests all read it from there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from aegis_core.component import ComponentKind, HealthCheck
from aegis_core.discovery import ComponentProblem, DiscoveredComponents, ProblemKind
from aegis_core.health.builtin import backend_health, frontend_health_check
from aegis_core.health.cache import SharedResult
from aegis_core.health.models import ComponentHealth, DetailedHealth, HealthStatus
from aegis_core.health.runner import inline, run_all
from aegis_core.settings import CoreSettings

if TYPE_CHECKING:
    from aegis_core.dashboard.refresh import Sessions


@dataclass
class AegisRuntime:
    settings: CoreSettings
    discovered: DiscoveredComponents
    dashboard_mounted: bool = False
    dashboard_sessions: Sessions | None = None
    """The dashboard's browser sessions (set by `mount_dashboard`), reported by `/health`."""
    extra_checks: dict[str, tuple[ComponentKind, HealthCheck]] = field(default_factory=dict)
    _health: SharedResult[DetailedHealth] = field(default_factory=SharedResult, repr=False)

    def health_checks(self) -> dict[str, tuple[ComponentKind, HealthCheck]]:
        checks: dict[str, tuple[ComponentKind, HealthCheck]] = {
            "backend": ("component", backend_health),
            "frontend": (
                "component",
                frontend_health_check(
                    self.settings.DASHBOARD_PATH, self.dashboard_mounted, self.dashboard_sessions
                ),
            ),
        }
        for component in self.discovered.active:
            check = component.health_check or _loaded_without_check(component.name)
            checks[component.name] = (component.kind, check)
        checks.update(self.extra_checks)
        return checks

    def problem_entries(self) -> dict[str, tuple[ComponentKind, ComponentHealth]]:
        """Components that did not load, shown as warnings with the fix in the message."""
        return {
            p.name: ("component", _problem_health(p))
            for p in self.discovered.problems
            if p.kind is not ProblemKind.DISABLED
        }

    async def detailed_health(self) -> DetailedHealth:
        """Run every check now (concurrently, each within `HEALTH_CHECK_TIMEOUT`)."""
        detailed = await run_all(
            self.health_checks(),
            timeout=self.settings.HEALTH_CHECK_TIMEOUT,
            app_name=self.settings.APP_NAME,
            static=self.problem_entries(),
        )
        _stamp_versions(detailed, {c.name: c.version for c in self.discovered.active})
        return detailed

    async def recent_health(self) -> DetailedHealth:
        """A result at most `HEALTH_CACHE_SECONDS` old, shared by concurrent callers: for
        `/health`, which probes and load balancers ask many times a second (health/cache.py).
        Everything else (`/health/detailed`, the CLI's `status`, the dashboard) runs fresh."""
        return await self._health.get(self.detailed_health, self.settings.HEALTH_CACHE_SECONDS)


def _loaded_without_check(name: str) -> HealthCheck:
    @inline
    async def check() -> ComponentHealth:
        return ComponentHealth(name=name, status=HealthStatus.HEALTHY, message="loaded")

    return check


def _stamp_versions(detailed: DetailedHealth, versions: dict[str, str]) -> None:
    """Each loaded component's package version, also when its check timed out or failed
    (which is exactly when someone wants to know which version is running)."""
    for group in (detailed.components, detailed.services):
        for name, health in group.items():
            if health.version is None and name in versions:
                group[name] = health.model_copy(update={"version": versions[name]})


def _problem_health(problem: ComponentProblem) -> ComponentHealth:
    return ComponentHealth(
        name=problem.name,
        status=HealthStatus.WARNING,
        message=f"not loaded: {problem.message}",
        version=problem.version,
        metadata={"problem": str(problem.kind), "package": problem.package},
    )
