"""The user a protected route receives is the database's row, detached like one a closed
session loaded: a route reads it as is, or adds it to its own session to change it (an UPDATE
of that row, not a second user). Over real HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from aegis_auth.testing import AuthProject, Client

ROUTING = """
from fastapi import APIRouter
from aegis_auth import User, get_current_active_user
from aegis_database import db_session
from fastapi import Depends
from sqlmodel import func, select

router = APIRouter()


@router.post("/profile/name")
def rename(name: str, user: User = Depends(get_current_active_user)) -> dict:
    before = user.full_name
    with db_session() as session:
        session.add(user)
        user.full_name = name
    with db_session() as session:
        users = session.exec(select(func.count()).select_from(User)).one()
    return {"id": user.id, "email": user.email, "before": before, "users": users}
"""


@pytest.fixture(scope="module")
def api_with_route(auth_project: AuthProject) -> Iterator[Client]:
    routing = auth_project.root / "app" / "components" / "backend" / "api"
    routing.mkdir(parents=True, exist_ok=True)
    for folder in (routing, routing.parent, routing.parent.parent):
        (folder / "__init__.py").touch()
    (routing / "routing.py").write_text(ROUTING)
    with auth_project.serve(AUTH_REGISTER_LIMIT="10000", AUTH_LOGIN_LIMIT="10000") as client:
        yield client


def test_a_route_changes_the_current_user_through_its_own_session(
    api_with_route: Client,
) -> None:
    api = api_with_route
    assert api.register("rename@example.com", "long enough password").status_code == 201
    token = api.login("rename@example.com", "long enough password")["access_token"]
    me = api.get("/auth/me", token).json()
    assert me["full_name"] is None

    renamed = api.post("/profile/name", params={"name": "Ada"}, headers=_bearer(token))
    assert renamed.status_code == 200, renamed.text
    body = renamed.json()
    assert (body["id"], body["email"], body["before"]) == (me["id"], me["email"], None)

    again = api.post("/profile/name", params={"name": "Ada L."}, headers=_bearer(token))
    assert again.status_code == 200, again.text
    assert again.json()["before"] == "Ada"
    assert again.json()["users"] == body["users"], "adding the user inserted another row"
    assert api.get("/auth/me", token).json()["full_name"] == "Ada L."


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_overriding_get_current_user_reaches_routes_that_need_an_active_user(
    auth_project: AuthProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A project's test replaces the token check once: `get_current_active_user` (and
    `require_superuser` on top of it) build on `get_current_user`, so `/auth/me` sees the
    stand-in; the route still documents the OAuth2 scheme /docs' Authorize button fills in."""
    from aegis_auth import User, get_current_user
    from aegis_core import create_app
    from fastapi.testclient import TestClient

    for name, value in auth_project.env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AEGIS_PROJECT_PACKAGE", "no_such_project_package")
    app = create_app()
    stand_in = User(id=4242, email="stand-in@example.com", hashed_password="-")
    app.dependency_overrides[get_current_user] = lambda: stand_in
    with TestClient(app) as client:
        me = client.get("/api/auth/me")
    assert me.status_code == 200 and me.json()["email"] == "stand-in@example.com"
    schema = app.openapi()
    assert schema["paths"]["/api/auth/me"]["get"]["security"] == [{"OAuth2PasswordBearer": []}]
