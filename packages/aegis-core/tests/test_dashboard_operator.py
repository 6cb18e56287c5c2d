"""Who may see the dashboard, asked of the app's own auth routes in-process (`operator.py`).

The auth package itself is tested against this check in chromium (tests/browser); here a small
app speaks the same HTTP contract (`/auth/login`, `/auth/me`, `/auth/refresh`, a guarded
`/health/detailed`) so the paths a browser test cannot wait for are exercised: an access token
that expired while the page stayed open, a refresh token that no longer works, a demotion, and
a rate limit.
"""

from __future__ import annotations

import secrets
from typing import Any

import pytest
from aegis_core.dashboard.operator import Operator, SuperuserCheck
from fastapi import FastAPI, Header, HTTPException
from fastapi.responses import JSONResponse


class FakeAuth:
    """Users, one-use refresh tokens and access tokens that the test can expire."""

    def __init__(self, *, guarded: bool = True) -> None:
        self.superusers = {"admin@example.com": True, "user@example.com": False}
        self.access: dict[str, str] = {}
        self.refresh: dict[str, str] = {}
        self.limited = False
        self.app = self._build(guarded)

    def pair(self, email: str) -> dict[str, str]:
        access, refresh = secrets.token_hex(8), secrets.token_hex(8)
        self.access[access], self.refresh[refresh] = email, email
        return {"access_token": access, "refresh_token": refresh, "token_type": "bearer"}

    def _build(self, guarded: bool) -> FastAPI:
        app = FastAPI()

        @app.options("/health/detailed")
        def probe() -> JSONResponse:
            return JSONResponse({}, status_code=401 if guarded else 405)

        @app.post("/api/auth/login")
        def login(body: dict[str, Any]) -> Any:
            if self.limited:
                return JSONResponse({}, status_code=429, headers={"Retry-After": "7"})
            if body["email"] not in self.superusers or body["password"] != "right":
                raise HTTPException(401)
            return self.pair(body["email"])

        @app.get("/api/auth/me")
        def me(authorization: str = Header("")) -> dict[str, Any]:
            email = self.access.get(authorization.removeprefix("Bearer "))
            if email is None:
                raise HTTPException(401)
            return {"email": email, "is_superuser": self.superusers[email]}

        @app.post("/api/auth/refresh")
        def refresh(body: dict[str, str]) -> dict[str, str]:
            email = self.refresh.pop(body["refresh_token"], None)
            if email is None:
                raise HTTPException(401)
            return self.pair(email)

        return app


@pytest.fixture
def auth() -> FakeAuth:
    return FakeAuth()


async def logged_in(auth: FakeAuth) -> tuple[SuperuserCheck, Operator]:
    check = SuperuserCheck(auth.app, "/api/")
    operator = await check.login("admin@example.com", "right")
    assert isinstance(operator, Operator), operator
    return check, operator


async def test_the_guard_decides_whether_a_login_is_needed() -> None:
    assert await SuperuserCheck(FakeAuth().app, "/api").required()
    assert not await SuperuserCheck(FakeAuth(guarded=False).app, "/api").required()


async def test_only_a_superuser_logs_in_and_each_refusal_is_one_line(auth: FakeAuth) -> None:
    check = SuperuserCheck(auth.app, "/api")

    assert await check.login("admin@example.com", "wrong") == "Wrong email or password"
    assert await check.login("", "right") == "Enter a superuser's email and password"
    assert await check.login("user@example.com", "right") == (
        "Only a superuser may use the dashboard"
    )
    auth.limited = True
    assert await check.login("admin@example.com", "right") == (
        "Too many attempts: try again in 7 s"
    )


async def test_an_expired_access_token_is_refreshed_without_asking_again(auth: FakeAuth) -> None:
    check, operator = await logged_in(auth)
    first = operator.access_token
    auth.access.clear()  # every access token expired while the page stayed open

    assert await check.still_allowed(operator) is None
    assert operator.access_token != first and operator.access_token in auth.access


async def test_a_login_whose_refresh_token_no_longer_works_has_ended(auth: FakeAuth) -> None:
    check, operator = await logged_in(auth)
    auth.access.clear()
    auth.refresh.clear()  # e.g. the password changed: every session of the user ended

    assert await check.still_allowed(operator) == (
        "Your login has ended: reload the page and log in again"
    )


async def test_a_superuser_demoted_meanwhile_may_no_longer_act(auth: FakeAuth) -> None:
    check, operator = await logged_in(auth)
    auth.superusers["admin@example.com"] = False

    assert await check.still_allowed(operator) == "Only a superuser may use the dashboard"
