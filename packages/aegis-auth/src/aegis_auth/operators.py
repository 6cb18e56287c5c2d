"""With auth installed, operator surfaces need a superuser's access token.

Operator surfaces are what shows or drives the whole system rather than one user's data:
`/health/detailed` (every component's metadata) and the worker API under `<API_PREFIX>/worker/`
(enqueue any task, start load tests, read any job's result). `/health` stays public (probes and
load balancers), and so do the auth routes and the project's own routes.
`AUTH_PROTECT_OPERATOR_SURFACES=false` turns this off. The dashboard follows this guard
without importing it: aegis-core sees `/health/detailed` answer 401 and shows a login form that
only a superuser gets through (through `/auth/login` and `/auth/me`).

Installed through aegis-core's generic `Component.middleware` hook, so no other package knows
about auth: the guard sits in front of the app and decides by path.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from aegis_auth.deps import user_of
from aegis_auth.settings import get_settings


def operator_prefixes(api_prefix: str) -> tuple[str, ...]:
    return ("/health/detailed", f"{api_prefix.rstrip('/')}/worker/")


class SuperuserGate:
    """Pure ASGI middleware: 401 without a valid bearer token, 403 for a non-superuser."""

    def __init__(self, app: ASGIApp, api_prefix: str = "/api") -> None:
        self.app = app
        self.prefixes = operator_prefixes(api_prefix)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self._guarded(scope["path"]):
            await self.app(scope, receive, send)
            return
        refusal = await self._refusal(_bearer(scope))
        if refusal is None:
            await self.app(scope, receive, send)
            return
        await refusal(scope, receive, send)

    def _guarded(self, path: str) -> bool:
        if not get_settings().AUTH_PROTECT_OPERATOR_SURFACES:
            return False
        return any(path == p.rstrip("/") or path.startswith(p) for p in self.prefixes)

    async def _refusal(self, token: str | None) -> JSONResponse | None:
        from starlette.concurrency import run_in_threadpool

        if not token:
            return _answer(401, "operator page: log in as a superuser (Authorization: Bearer)")
        try:
            user = await run_in_threadpool(user_of, token)
        except SQLAlchemyError:
            return _answer(503, "cannot read the users table: run `make migrate`, then retry")
        if user is None:
            return _answer(401, "invalid or expired token")
        if not (user.is_active and user.is_superuser):
            return _answer(403, "superuser required")
        return None


def _bearer(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            return token.strip() if scheme.lower() == "bearer" else None
    return None


def _answer(status: int, detail: str) -> JSONResponse:
    headers: dict[str, Any] = {"WWW-Authenticate": "Bearer"} if status == 401 else {}
    return JSONResponse({"detail": detail}, status_code=status, headers=headers)
