"""`create_app()`: the FastAPI app of an Aegis project, assembled from what is installed."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from fastapi import APIRouter, FastAPI

from aegis_core.component import Lifespan
from aegis_core.discovery import discover_components
from aegis_core.health.router import health_router
from aegis_core.hooks import (
    ProjectHooks,
    apply_middleware,
    discover_hooks,
    import_optional,
    run_shutdown,
    run_startup,
)
from aegis_core.project import project_package as default_project_package
from aegis_core.runtime import AegisRuntime
from aegis_core.settings import CoreSettings

logger = logging.getLogger("aegis.app")


def create_app(
    settings: CoreSettings | None = None,
    *,
    project_package: str | None = None,
) -> FastAPI:
    """Build the app: health, installed components, the project's routes, hooks, dashboard.

    `project_package` is the import name of the user's code: `$AEGIS_PROJECT_PACKAGE`, else
    `app` (generated projects), the same one components use to find their stubs. Its
    `components/backend/api/routing.py` must expose `router` (an `APIRouter`).
    """
    settings = settings or CoreSettings()
    project_package = project_package or default_project_package()
    logging.basicConfig(
        level=settings.LOG_LEVEL.upper(), format="%(levelname)s %(name)s: %(message)s"
    )
    runtime = AegisRuntime(settings=settings, discovered=discover_components())
    hooks = discover_hooks(project_package)

    app = FastAPI(title=settings.APP_NAME, lifespan=_lifespan(runtime, hooks))
    app.state.aegis = runtime
    app.include_router(health_router(runtime))
    for component in runtime.discovered.active:
        for router in component.routers() if component.routers else ():
            app.include_router(router, prefix=settings.API_PREFIX)
    project_router = _project_router(project_package)
    if project_router is not None:
        app.include_router(project_router, prefix=settings.API_PREFIX)
    apply_middleware(app, hooks)
    if settings.DASHBOARD_ENABLED:
        from aegis_core.dashboard import mount_dashboard

        mount_dashboard(app, runtime)
    return app


def _project_router(project_package: str) -> APIRouter | None:
    module = import_optional(f"{project_package}.components.backend.api.routing")
    if module is None:
        return None
    router = getattr(module, "router", None)
    if not isinstance(router, APIRouter):
        raise TypeError(f"{module.__name__} must define `router = APIRouter()`")
    return router


def _lifespan(runtime: AegisRuntime, hooks: ProjectHooks) -> Lifespan:
    """Compose the lifespans here: a mounted sub-app's own lifespan never runs."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            if runtime.dashboard_mounted:
                from aegis_core.dashboard import dashboard_lifespan

                await stack.enter_async_context(dashboard_lifespan(runtime.dashboard_sessions))
            for component in runtime.discovered.active:
                if component.lifespan is not None:
                    await stack.enter_async_context(component.lifespan(app))
            await run_startup(app, hooks)
            stack.push_async_callback(run_shutdown, app, hooks)
            names = ", ".join(runtime.discovered.names) or "none"
            logger.info("started with components: %s", names)
            yield

    return lifespan
