"""`create_app()`: the FastAPI app of an Aegis project, assembled from what is installed."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from fastapi import APIRouter, FastAPI

from aegis_core.component import DeferredRouter, Lifespan
from aegis_core.deferred_routes import AegisApp, DeferredRoutes
from aegis_core.discovery import discover_components
from aegis_core.docs_assets import mount_api_docs
from aegis_core.health.router import health_router
from aegis_core.hooks import (
    ProjectHooks,
    apply_middleware,
    discover_hooks,
    run_shutdown,
    run_startup,
)
from aegis_core.landing import add_landing_redirect
from aegis_core.logs import RequestIdMiddleware, configure_logging
from aegis_core.project import import_optional
from aegis_core.project import project_package as default_project_package
from aegis_core.runtime import AegisRuntime, set_current_runtime
from aegis_core.settings import CoreSettings
from aegis_core.startup import first_health_run, started_line, warming

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
    configure_logging(settings.LOG_LEVEL, settings.LOG_FORMAT)
    runtime = AegisRuntime(settings=settings, discovered=discover_components())
    set_current_runtime(runtime)
    hooks = discover_hooks(project_package)

    app = AegisApp(
        title=settings.APP_NAME,
        lifespan=_lifespan(runtime, hooks),
        docs_url=None,  # mount_api_docs serves them with local assets (they work offline)
        redoc_url=None,
    )
    # First of all routes, not behind an included router's extra matching layer: probes and
    # load balancers call them more than anything else.
    app.router.routes[:0] = health_router(runtime).routes
    mount_api_docs(app, settings.APP_NAME)
    app.state.aegis = runtime
    project_router = _project_router(project_package)
    if project_router is not None:  # first: a project route wins over a component's at its path
        app.include_router(project_router, prefix=settings.API_PREFIX)
    for loaded in runtime.discovered.active:
        routers = loaded.component.routers
        for router in routers() if routers else ():
            if isinstance(router, DeferredRouter):  # made after start-up, not now
                app.router.routes.append(DeferredRoutes(app, router, settings.API_PREFIX))
            else:
                app.include_router(router, prefix=settings.API_PREFIX)
    apply_middleware(app, hooks)
    _add_component_middleware(app, runtime)
    app.add_middleware(RequestIdMiddleware)  # outermost: the project's middleware logs the id
    if settings.DASHBOARD_ENABLED:
        from aegis_core.dashboard import mount_dashboard

        mount_dashboard(app, runtime)
    add_landing_redirect(app, settings)
    return app


def _add_component_middleware(app: FastAPI, runtime: AegisRuntime) -> None:
    """Outside the project's middleware: a component's guard refuses before user code runs."""
    for loaded in runtime.discovered.active:
        if loaded.component.middleware is not None:
            loaded.component.middleware(app)


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
        deferred = app.deferred_routes() if isinstance(app, AegisApp) else []
        async with AsyncExitStack() as stack:
            if runtime.dashboard_mounted:
                from aegis_core.dashboard import dashboard_lifespan

                await stack.enter_async_context(dashboard_lifespan(runtime.dashboard_sessions))
            for loaded in runtime.discovered.active:
                if loaded.component.lifespan is not None:
                    await stack.enter_async_context(loaded.component.lifespan(app))
            await run_startup(app, hooks)
            stack.push_async_callback(run_shutdown, app, hooks)
            await stack.enter_async_context(first_health_run(runtime))
            if runtime.dashboard_sessions is not None:  # the history, kept with nobody watching
                from aegis_core.dashboard.sampler import history_sampler

                sessions = runtime.dashboard_sessions
                await stack.enter_async_context(history_sampler(runtime, sessions.history))
            for routes in deferred:
                await stack.enter_async_context(warming(routes.warm_up, what=routes.path))
            logger.info(started_line(runtime))
            yield

    return lifespan
