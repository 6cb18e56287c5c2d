"""The state of one running app: its settings, its components and how to ask their health.

Stored on `app.state.aegis`; the health router, the dashboard and tests all read it from there.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from aegis_core.component import ComponentKind, HealthCheck
from aegis_core.discovery import (
    ComponentProblem,
    DiscoveredComponents,
    LoadedComponent,
    ProblemKind,
)
from aegis_core.health.builtin import backend_health, frontend_health_check
from aegis_core.health.cache import FIRST_WAIT, SharedResult
from aegis_core.health.models import ComponentHealth, DetailedHealth, HealthStatus
from aegis_core.health.runner import inline, run_all, starting_checks
from aegis_core.settings import CoreSettings
from aegis_core.startup import release_freed_memory, warmed_up, warming_up

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
        for loaded in self.discovered.active:
            checks[loaded.name] = (loaded.kind, _check_of(loaded))
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
        return await self._run(self.health_checks())

    async def recent_health(self) -> DetailedHealth:
        """What `/health` and `/health/detailed` answer: one run shared by concurrent callers
        and reused for `HEALTH_CACHE_SECONDS`; "starting" entries until the first run has
        finished (health/cache.py). In-process `get_system_status()` and the dashboard run
        fresh."""
        cache_seconds = self.settings.HEALTH_CACHE_SECONDS
        # While components warm up, the first run has not even begun its checks: waiting for it
        # would only delay the "starting" answer a start-up probe is waiting for. (Asked only
        # before the first result: every later call is on the hot path.)
        first_wait = FIRST_WAIT if self._health.has_result or not warming_up() else 0.0
        return await self._health.get(
            self.detailed_health if self._health.has_result else self._first_run,
            cache_seconds,
            stale_for=self.settings.HEALTH_CHECK_TIMEOUT if cache_seconds > 0 else 0.0,
            starting=self._starting_health,
            first_wait=first_wait,
        )

    def warm_up(self) -> None:
        """Start the first health run in the background, unless a request already did."""
        if not self._health.has_result:
            self._health.start(self._first_run)

    async def _first_run(self) -> DetailedHealth:
        await warmed_up()
        result = await self.detailed_health()
        await asyncio.to_thread(release_freed_memory)  # what warming up and the run freed
        return result

    async def _starting_health(self) -> DetailedHealth:
        return await self._run(starting_checks(self.health_checks()))

    async def _run(self, checks: dict[str, tuple[ComponentKind, HealthCheck]]) -> DetailedHealth:
        detailed = await run_all(
            checks,
            timeout=self.settings.HEALTH_CHECK_TIMEOUT,
            app_name=self.settings.APP_NAME,
            static=self.problem_entries(),
        )
        _stamp_versions(detailed, {c.name: c.version for c in self.discovered.active})
        return detailed


_current: AegisRuntime | None = None


def set_current_runtime(runtime: AegisRuntime) -> None:
    """Called by `create_app`: in-process callers of `get_system_status()` ask this runtime."""
    global _current
    _current = runtime


def current_runtime() -> AegisRuntime | None:
    """The runtime of the app created last in this process, if any."""
    return _current


def _check_of(loaded: LoadedComponent) -> HealthCheck:
    parts = loaded.component
    if parts.not_built:
        return _not_built(loaded.name, parts.not_built)
    return parts.health_check or _loaded_without_check(loaded.name)


def _not_built(name: str, missing: str) -> HealthCheck:
    """`info`, not `healthy`: installed, but there is nothing to be healthy yet."""

    @inline
    async def check() -> ComponentHealth:
        return ComponentHealth(
            name=name, status=HealthStatus.INFO, message=f"not built yet: {missing}"
        )

    return check


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
