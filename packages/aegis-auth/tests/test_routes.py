"""Every auth route over a real uvicorn, on SQLite and on PostgreSQL."""

from __future__ import annotations

import uuid

from aegis_auth.testing import AuthProject, Client

PASSWORD = "a long enough password"


def fresh_email() -> str:
    return f"u{uuid.uuid4().hex[:10]}@example.com"


def test_register_answers_the_user_without_the_hash(api: Client) -> None:
    email = fresh_email()
    response = api.post("/auth/register", json={"email": email.upper(), "password": PASSWORD})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["email"] == email, "emails are stored normalised (lower case)"
    assert body["is_active"] is True and body["is_superuser"] is False
    assert "hashed_password" not in body and "password" not in body


def test_register_refuses_duplicates_short_passwords_and_bad_emails(api: Client) -> None:
    email = fresh_email()
    assert api.register(email, PASSWORD).status_code == 201
    again = api.register(email.upper(), PASSWORD)
    assert again.status_code == 409 and "already exists" in again.json()["detail"]
    short = api.register(fresh_email(), "short")
    assert short.status_code == 422 and "at least 8" in short.json()["detail"]
    assert api.register("not-an-email", PASSWORD).status_code == 422
    extra = api.post("/auth/register", json={"email": fresh_email(), "password": PASSWORD, "x": 1})
    assert extra.status_code == 422


def test_json_login_and_me(api: Client) -> None:
    email = fresh_email()
    api.register(email, PASSWORD)
    tokens = api.login(email, PASSWORD)
    assert tokens["token_type"] == "bearer" and tokens["expires_in"] == 15 * 60
    me = api.get("/auth/me", token=tokens["access_token"])
    assert me.status_code == 200 and me.json()["email"] == email
    assert me.json()["last_login_at"] is not None


def test_oauth2_form_login_for_the_docs_authorize_button(api: Client) -> None:
    email = fresh_email()
    api.register(email, PASSWORD)
    form = api.post("/auth/token", data={"username": email, "password": PASSWORD})
    assert form.status_code == 200, form.text
    assert api.get("/auth/me", token=form.json()["access_token"]).json()["email"] == email
    wrong = api.post("/auth/token", data={"username": email, "password": "nope nope"})
    assert wrong.status_code == 401 and wrong.headers["www-authenticate"] == "Bearer"
    schema = api.server.get("/openapi.json").json()
    flows = schema["components"]["securitySchemes"]["OAuth2PasswordBearer"]["flows"]
    assert flows["password"]["tokenUrl"] == "/api/auth/token"


def test_without_a_token_401_with_www_authenticate(api: Client) -> None:
    response = api.get("/auth/me")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    garbage = api.get("/auth/me", token="not.a.token")
    assert garbage.status_code == 401 and garbage.headers["www-authenticate"] == "Bearer"


def test_refresh_rotates_and_reuse_revokes_the_family(api: Client) -> None:
    email = fresh_email()
    api.register(email, PASSWORD)
    first = api.login(email, PASSWORD)
    second = api.post("/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert second.status_code == 200, second.text
    rotated = second.json()
    assert rotated["refresh_token"] != first["refresh_token"]
    assert api.get("/auth/me", token=rotated["access_token"]).status_code == 200

    reused = api.post("/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert reused.status_code == 401 and reused.headers["www-authenticate"] == "Bearer"
    family = api.post("/auth/refresh", json={"refresh_token": rotated["refresh_token"]})
    assert family.status_code == 401, "reuse of an old token ends the whole session"
    other = api.login(email, PASSWORD)  # another login is another family: unaffected
    assert api.post("/auth/refresh", json={"refresh_token": other["refresh_token"]}).is_success


def test_an_access_token_is_not_a_refresh_token_and_back(api: Client) -> None:
    email = fresh_email()
    api.register(email, PASSWORD)
    tokens = api.login(email, PASSWORD)
    as_refresh = api.post("/auth/refresh", json={"refresh_token": tokens["access_token"]})
    assert as_refresh.status_code == 401
    assert api.get("/auth/me", token=tokens["refresh_token"]).status_code == 401


def test_logout_ends_the_session(api: Client) -> None:
    email = fresh_email()
    api.register(email, PASSWORD)
    tokens = api.login(email, PASSWORD)
    body = {"refresh_token": tokens["refresh_token"]}
    assert api.post("/auth/logout", json=body).status_code == 401, "logout needs the access token"
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert api.post("/auth/logout", json=body, headers=headers).status_code == 204
    assert api.post("/auth/refresh", json=body).status_code == 401


def test_logout_refuses_someone_elses_refresh_token(api: Client) -> None:
    mine, theirs = fresh_email(), fresh_email()
    api.register(mine, PASSWORD)
    api.register(theirs, PASSWORD)
    my_tokens, their_tokens = api.login(mine, PASSWORD), api.login(theirs, PASSWORD)
    headers = {"Authorization": f"Bearer {my_tokens['access_token']}"}
    body = {"refresh_token": their_tokens["refresh_token"]}
    assert api.post("/auth/logout", json=body, headers=headers).status_code == 401
    assert api.post("/auth/refresh", json=body).is_success, "their session goes on"


def test_password_change_ends_other_sessions(api: Client) -> None:
    email, new_password = fresh_email(), "another long password"
    api.register(email, PASSWORD)
    other_device = api.login(email, PASSWORD)
    this_device = api.login(email, PASSWORD)
    headers = {"Authorization": f"Bearer {this_device['access_token']}"}
    wrong = {"current_password": "not my password", "new_password": new_password}
    assert api.post("/auth/password", json=wrong, headers=headers).status_code == 400
    short = {"current_password": PASSWORD, "new_password": "short"}
    assert api.post("/auth/password", json=short, headers=headers).status_code == 422
    change = {"current_password": PASSWORD, "new_password": new_password}
    changed = api.post("/auth/password", json=change, headers=headers)
    assert changed.status_code == 200, changed.text

    assert api.get("/auth/me", token=other_device["access_token"]).status_code == 401
    stale = {"refresh_token": other_device["refresh_token"]}
    assert api.post("/auth/refresh", json=stale).status_code == 401
    assert api.get("/auth/me", token=changed.json()["access_token"]).status_code == 200
    assert api.post("/auth/login", json={"email": email, "password": PASSWORD}).status_code == 401
    api.login(email, new_password)


def test_a_deactivated_user_cannot_log_in_or_use_tokens(
    api: Client, auth_project: AuthProject
) -> None:
    email = fresh_email()
    api.register(email, PASSWORD)
    tokens = api.login(email, PASSWORD)
    assert auth_project.cli("deactivate", email).returncode == 0
    assert api.get("/auth/me", token=tokens["access_token"]).status_code == 401
    login = api.post("/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 403 and "deactivated" in login.json()["detail"]
    assert auth_project.cli("activate", email).returncode == 0
    api.login(email, PASSWORD)
