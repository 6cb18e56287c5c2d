"""Tokens that must not work, over a real server: forged, expired, `alg: none`, another
audience, issuer or key, a missing claim. And what the server logs never contains."""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest
from aegis_auth.testing import AuthProject, Client

PASSWORD = "token tests password"


@pytest.fixture(scope="module")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Token checks do not depend on the database: SQLite only."""
    yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'app.db'}"


@pytest.fixture(scope="module")
def account(api: Client) -> dict[str, Any]:
    email = f"t{uuid.uuid4().hex[:8]}@example.com"
    api.register(email, PASSWORD)
    tokens = api.login(email, PASSWORD)
    claims = jwt.decode(tokens["access_token"], options={"verify_signature": False})
    return {"email": email, "tokens": tokens, "claims": claims}


def _sign(project: AuthProject, claims: dict[str, Any], **change: Any) -> str:
    payload = {**claims, **change}
    payload = {k: v for k, v in payload.items() if v is not None}
    return jwt.encode(payload, project.env["AUTH_SECRET_KEY"], algorithm="HS256")


def _refused(api: Client, token: str) -> None:
    response = api.get("/auth/me", token=token)
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"] == "Bearer"


def test_a_token_signed_by_the_server_works(api: Client, account: dict[str, Any]) -> None:
    assert api.get("/auth/me", token=account["tokens"]["access_token"]).status_code == 200


def test_a_re_signed_copy_with_the_right_key_works(
    api: Client, auth_project: AuthProject, account: dict[str, Any]
) -> None:
    """The control for the tests below: only the one change each makes is refused."""
    assert api.get("/auth/me", token=_sign(auth_project, account["claims"])).status_code == 200


def test_expired(api: Client, auth_project: AuthProject, account: dict[str, Any]) -> None:
    past = int(time.time()) - 3600
    _refused(api, _sign(auth_project, account["claims"], iat=past - 60, exp=past))


def test_wrong_audience_issuer_and_type(
    api: Client, auth_project: AuthProject, account: dict[str, Any]
) -> None:
    _refused(api, _sign(auth_project, account["claims"], aud="someone-else"))
    _refused(api, _sign(auth_project, account["claims"], iss="someone-else"))
    _refused(api, _sign(auth_project, account["claims"], typ="refresh"))


@pytest.mark.parametrize("claim", ["exp", "iat", "iss", "aud", "jti", "sub"])
def test_each_required_claim_missing(
    api: Client, auth_project: AuthProject, account: dict[str, Any], claim: str
) -> None:
    _refused(api, _sign(auth_project, account["claims"], **{claim: None}))


def test_wrong_key(api: Client, account: dict[str, Any]) -> None:
    _refused(api, jwt.encode(account["claims"], "another key" * 4, algorithm="HS256"))


def test_alg_none(api: Client, account: dict[str, Any]) -> None:
    header = _b64({"alg": "none", "typ": "JWT"})
    _refused(api, f"{header}.{_b64(account['claims'])}.")


def test_forged_payload_keeps_the_old_signature(api: Client, account: dict[str, Any]) -> None:
    header, _, signature = account["tokens"]["access_token"].split(".")
    forged = {**account["claims"], "sub": str(int(account["claims"]["sub"]) + 1)}
    _refused(api, f"{header}.{_b64(forged)}.{signature}")


def test_other_hmac_algorithm_with_the_right_key(
    api: Client, auth_project: AuthProject, account: dict[str, Any]
) -> None:
    token = jwt.encode(account["claims"], auth_project.env["AUTH_SECRET_KEY"], algorithm="HS512")
    _refused(api, token)


def test_no_password_or_token_in_the_server_log(api: Client, account: dict[str, Any]) -> None:
    api.post("/auth/login", json={"email": account["email"], "password": "wrong password 1"})
    api.post("/auth/refresh", json={"refresh_token": account["tokens"]["refresh_token"]})
    log = Path(api.server.log_path).read_text()
    assert "POST /api/auth/login" in log, "the log is the server's (DEBUG) log"
    tokens = account["tokens"]
    for secret in (PASSWORD, "wrong password 1", tokens["access_token"], tokens["refresh_token"]):
        assert secret not in log
    assert account["tokens"]["access_token"].split(".")[2] not in log


def _b64(data: dict[str, Any]) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
