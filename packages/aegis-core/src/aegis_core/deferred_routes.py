"""Routes made on first use: how `create_app` serves a component's `DeferredRouter`.

A `DeferredRoutes` sits in the app's route list where the router's routes would be. It answers
"not mine" for every path outside its prefix without making anything, so the server starts and
answers `/health` before the slow `build` has run. The first request under its prefix, the
OpenAPI schema (`AegisApp.routes`), or the warm-up `create_app` starts after start-up makes the
routes once; from then on it hands each request to the built route that matches it.
"""

from __future__ import annotations

import threading
from typing import Any

from fastapi import APIRouter, FastAPI
from starlette.routing import BaseRoute, Match, NoMatchFound
from starlette.types import Receive, Scope, Send

from aegis_core.component import DeferredRouter
from aegis_core.startup import answered

MATCHED_ROUTE = "aegis.deferred_route"
"""Scope key carrying the built route that matched, from `matches` to `handle`."""


class DeferredRoutes(BaseRoute):
    """The routes of one `DeferredRouter`, mounted at `prefix` (the project's API prefix)."""

    def __init__(self, app: FastAPI, router: DeferredRouter, prefix: str) -> None:
        self.path = f"{prefix}{router.path}".rstrip("/")
        self._app = app
        self._router = router
        self._prefix = prefix
        self._lock = threading.Lock()
        self._routes: list[BaseRoute] | None = None

    @property
    def routes(self) -> list[BaseRoute]:
        """The built routes, made on the first call (thread-safe: the warm-up runs in a thread)."""
        if self._routes is None:
            with self._lock:
                if self._routes is None:
                    # As `app.include_router` would: the app's dependency overrides apply.
                    holder = APIRouter(dependency_overrides_provider=self._app)
                    holder.include_router(self._router.build(), prefix=self._prefix)
                    self._routes = holder.routes
        return self._routes

    def owns(self, scope: Scope) -> bool:
        path = _route_path(scope)
        return path == self.path or path.startswith(f"{self.path}/")

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] not in {"http", "websocket"} or not self.owns(scope):
            return Match.NONE, {}
        partial: Scope | None = None
        for route in self.routes:
            match, child_scope = route.matches(scope)
            if match is Match.FULL:
                return Match.FULL, {**child_scope, MATCHED_ROUTE: route}
            if match is Match.PARTIAL and partial is None:  # e.g. a known path, another method
                partial = {**child_scope, MATCHED_ROUTE: route}
        return (Match.PARTIAL, partial) if partial is not None else (Match.NONE, {})

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        await scope[MATCHED_ROUTE].handle(scope, receive, send)

    def url_path_for(self, name: str, /, **path_params: Any) -> Any:
        for route in self.routes:
            try:
                return route.url_path_for(name, **path_params)
            except NoMatchFound:
                continue
        raise NoMatchFound(name, path_params)

    def warm_up(self) -> None:
        """Make the routes now (the app's warm-up thread calls this after start-up)."""
        self.routes  # noqa: B018 - the property builds them


class AegisApp(FastAPI):
    """FastAPI, with deferred routes listed as the routes they stand for, so the OpenAPI
    schema (and anything else reading `app.routes`) sees every operation; and which tells the
    warm-ups when it has answered its first request (`aegis_core.startup.warming`)."""

    _has_answered = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await super().__call__(scope, receive, send)
        if not self._has_answered and scope["type"] == "http":
            self._has_answered = True
            answered()

    @property
    def routes(self) -> list[BaseRoute]:
        return [
            inner
            for route in self.router.routes
            for inner in (route.routes if isinstance(route, DeferredRoutes) else [route])
        ]

    def deferred_routes(self) -> list[DeferredRoutes]:
        return [route for route in self.router.routes if isinstance(route, DeferredRoutes)]


def _route_path(scope: Scope) -> str:
    """The path as the app's routes see it: without the ASGI `root_path` it is mounted at."""
    path: str = scope["path"]
    root_path: str = scope.get("root_path", "")
    if root_path and path.startswith(root_path) and path[len(root_path) :][:1] in {"", "/"}:
        return path[len(root_path) :]
    return path
