"""Who may see the dashboard: with auth installed and guarding operator surfaces, a superuser.

The dashboard shows what `/health/detailed` shows (and its actions drive the system), so it
asks for what that route asks for. aegis-core knows nothing of the auth package: it asks the
app's own routes, in-process (`httpx.ASGITransport`, no network):

- whether the dashboard is guarded: an anonymous `OPTIONS /health/detailed` answered 401 means
  the auth guard stands in front of it (the setting that turns the guard off turns this off too,
  and no health check runs for the question);
- who logs in: `POST <api>/auth/login`, then `GET <api>/auth/me` for `is_superuser`;
- whether that login still holds before an action: `GET <api>/auth/me` again, refreshing the
  access token once (`POST <api>/auth/refresh`) when it expired, so a superuser who logged in an
  hour ago acts without typing the password again, and one who was demoted or deactivated no
  longer can.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import httpx
from starlette.types import ASGIApp

AUTH_COMPONENT = "auth"
GUARDED_PROBE = "/health/detailed"
MAX_EMAIL = 320
MAX_PASSWORD = 128


def needs_superuser(loaded: Sequence[str]) -> bool:
    """Whether the auth component is loaded at all (only then can there be a guard)."""
    return AUTH_COMPONENT in loaded


@dataclass
class Operator:
    """A superuser logged in to one dashboard session; the tokens live on the server only."""

    email: str
    access_token: str
    refresh_token: str


class SuperuserCheck:
    """Asks the app's own auth API who may see and act on the dashboard."""

    def __init__(self, app: ASGIApp, api_prefix: str) -> None:
        self.app = app
        self.api_prefix = api_prefix.rstrip("/")

    def _client(self) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=self.app)
        return httpx.AsyncClient(transport=transport, base_url="http://dashboard", timeout=30)

    async def required(self) -> bool:
        """Whether operator surfaces are guarded now (auth's setting decides, not us)."""
        async with self._client() as client:
            answer = await client.options(GUARDED_PROBE)
        return answer.status_code == 401

    async def login(self, email: str, password: str) -> Operator | str:
        """The logged-in superuser, or the one line saying why not."""
        if not email or not password or len(email) > MAX_EMAIL or len(password) > MAX_PASSWORD:
            return "Enter a superuser's email and password"
        async with self._client() as client:
            login = await client.post(
                f"{self.api_prefix}/auth/login", json={"email": email, "password": password}
            )
            if login.status_code != 200:
                return _login_refusal(login)
            tokens = login.json()
            operator = Operator(email, tokens["access_token"], tokens["refresh_token"])
            refusal = await self._superuser_refusal(client, operator)
        return refusal or operator

    async def still_allowed(self, operator: Operator) -> str | None:
        """None while `operator` is still an active superuser; else why not (one line)."""
        async with self._client() as client:
            return await self._superuser_refusal(client, operator)

    async def _superuser_refusal(self, client: httpx.AsyncClient, operator: Operator) -> str | None:
        me = await self._me(client, operator)
        if me.status_code == 401 and await self._refresh(client, operator):
            me = await self._me(client, operator)
        if me.status_code == 401:
            return "Your login has ended: reload the page and log in again"
        if me.status_code != 200:
            return f"Cannot check the login now (HTTP {me.status_code})"
        if not me.json().get("is_superuser"):
            return "Only a superuser may use the dashboard"
        return None

    async def _me(self, client: httpx.AsyncClient, operator: Operator) -> httpx.Response:
        headers = {"Authorization": f"Bearer {operator.access_token}"}
        return await client.get(f"{self.api_prefix}/auth/me", headers=headers)

    async def _refresh(self, client: httpx.AsyncClient, operator: Operator) -> bool:
        """Swap the expired access token for a new pair; False when the session is over."""
        answer = await client.post(
            f"{self.api_prefix}/auth/refresh", json={"refresh_token": operator.refresh_token}
        )
        if answer.status_code != 200:
            return False
        tokens = answer.json()
        operator.access_token = tokens["access_token"]
        operator.refresh_token = tokens["refresh_token"]
        return True


def _login_refusal(answer: httpx.Response) -> str:
    if answer.status_code in (401, 422):
        return "Wrong email or password"
    if answer.status_code == 429:
        return f"Too many attempts: try again in {answer.headers.get('Retry-After', '60')} s"
    return f"Cannot check the login now (HTTP {answer.status_code})"
