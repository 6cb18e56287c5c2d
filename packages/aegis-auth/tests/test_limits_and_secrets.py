"""Abuse resistance over real servers: no user enumeration (status, body and time), rate limits
that trip, reset, and hold across two server processes through real Redis, old bcrypt hashes,
and a production app that refuses a placeholder secret."""

from __future__ import annotations

import statistics
import time
import uuid
from collections.abc import Iterator

import httpx
import pytest
from aegis_auth.testing import AuthProject, Client, make_project
from pwdlib.hashers.bcrypt import BcryptHasher
from sqlalchemy import create_engine, text

PASSWORD = "limits tests password"


@pytest.fixture(scope="module")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'app.db'}"


def _email() -> str:
    return f"l{uuid.uuid4().hex[:8]}@example.com"


def _login(url: str, email: str, password: str, source: str = "127.0.0.1") -> httpx.Response:
    """A login from `source` (any 127.0.0.0/8 address reaches the server: one IP per client)."""
    transport = httpx.HTTPTransport(local_address=source)
    with httpx.Client(transport=transport, timeout=30) as client:
        return client.post(f"{url}/api/auth/login", json={"email": email, "password": password})


def test_unknown_email_and_wrong_password_look_the_same(api: Client) -> None:
    email = _email()
    api.register(email, PASSWORD)
    timings: dict[str, list[float]] = {"unknown": [], "wrong": []}
    answers = set()
    for _ in range(15):
        for case, address in (("unknown", _email()), ("wrong", email)):
            started = time.perf_counter()
            response = _login(api.url, address, "not the password")
            timings[case].append(time.perf_counter() - started)
            answers.add((response.status_code, response.text))
    assert answers == {(401, '{"detail":"incorrect email or password"}')}
    unknown, wrong = (statistics.median(timings[c]) for c in ("unknown", "wrong"))
    # Without the dummy hash an unknown email answers several times faster (no Argon2 at all).
    assert 0.5 < unknown / wrong < 2.0, f"medians: unknown {unknown:.4f}s, wrong {wrong:.4f}s"


def test_bcrypt_hash_verifies_and_is_rehashed_with_argon2(
    api: Client, auth_project: AuthProject
) -> None:
    email = _email()
    api.register(email, PASSWORD)
    engine = create_engine(auth_project.env["DATABASE_URL"])
    with engine.begin() as connection:
        legacy = BcryptHasher().hash(PASSWORD)
        connection.execute(
            text("UPDATE users SET hashed_password = :h WHERE email = :e"),
            {"h": legacy, "e": email},
        )
    api.login(email, PASSWORD)
    with engine.connect() as connection:
        stored = connection.execute(
            text("SELECT hashed_password FROM users WHERE email = :e"), {"e": email}
        ).scalar_one()
    engine.dispose()
    assert stored.startswith("$argon2"), stored[:10]
    api.login(email, PASSWORD)  # and the new hash verifies


@pytest.fixture
def limited(auth_project: AuthProject) -> Iterator[Client]:
    limits = {
        "AUTH_LOGIN_LIMIT": "3",
        "AUTH_REGISTER_LIMIT": "2",
        "AUTH_RATE_WINDOW_SECONDS": "3",
        "AUTH_RATE_LIMIT_PREFIX": f"aegis-test:{uuid.uuid4().hex}",
    }
    with auth_project.serve(**limits) as client:
        yield client


def test_login_limit_per_account_and_per_ip_then_reset(limited: Client) -> None:
    victim = _email()
    for _ in range(3):
        assert _login(limited.url, victim, "guess", source="127.0.0.2").status_code == 401
    tripped = _login(limited.url, victim, "guess", source="127.0.0.3")
    assert tripped.status_code == 429, "the account is limited whatever the IP"
    assert 1 <= int(tripped.headers["retry-after"]) <= 3
    assert "too many attempts" in tripped.json()["detail"]
    other = _login(limited.url, _email(), "guess", source="127.0.0.3")
    assert other.status_code == 401, "another account from another IP is not limited"

    for _ in range(2):  # 127.0.0.3 has made 2 attempts: one more, then over
        _login(limited.url, _email(), "guess", source="127.0.0.3")
    assert _login(limited.url, _email(), "guess", source="127.0.0.3").status_code == 429

    time.sleep(int(tripped.headers["retry-after"]) + 0.5)
    assert _login(limited.url, victim, "guess", source="127.0.0.4").status_code == 401, "reset"


def test_register_limit_per_ip(limited: Client) -> None:
    assert limited.register(_email(), PASSWORD).status_code == 201
    assert limited.register(_email(), PASSWORD).status_code == 201
    over = limited.register(_email(), PASSWORD)
    assert over.status_code == 429 and "retry-after" in over.headers


def test_limits_hold_across_two_processes_through_redis(
    auth_project: AuthProject, redis_url: str
) -> None:
    shared = {
        "AUTH_REDIS_URL": redis_url,
        "AUTH_LOGIN_LIMIT": "3",
        "AUTH_RATE_WINDOW_SECONDS": "30",
        "AUTH_RATE_LIMIT_PREFIX": f"aegis-test:{uuid.uuid4().hex}",
    }
    email = _email()
    with auth_project.serve(**shared) as first, auth_project.serve(**shared) as second:
        assert first.server.process.pid != second.server.process.pid
        assert _login(first.url, email, "guess").status_code == 401
        assert _login(second.url, email, "guess").status_code == 401
        assert _login(first.url, email, "guess").status_code == 401
        over = _login(second.url, email, "guess")
        assert over.status_code == 429, "the second process counts the first one's attempts"
        assert int(over.headers["retry-after"]) <= 30
    import redis

    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(f"{shared['AUTH_RATE_LIMIT_PREFIX']}:*"))
    assert keys, "the counters were in Redis"
    assert not [k for k in keys if email.encode() in k], "emails are not stored in Redis"
    client.delete(*keys)


def test_production_refuses_a_placeholder_secret(auth_project: AuthProject) -> None:
    for secret in ("change-me", "short"):
        result = auth_project.cli("list-users", ENVIRONMENT="production", AUTH_SECRET_KEY=secret)
        assert result.returncode == 2, result.output
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "AUTH_SECRET_KEY" in lines[0] and secret not in lines[0]
        assert "secrets.token_urlsafe" in lines[0]
    env = {k: v for k, v in auth_project.env.items() if k != "AUTH_SECRET_KEY"}
    unset = AuthProject(auth_project.root, env)
    with (
        pytest.raises(RuntimeError, match="AUTH_SECRET_KEY"),
        unset.serve(ENVIRONMENT="production"),
    ):
        pass
    fine = auth_project.cli("list-users", ENVIRONMENT="production")
    assert fine.returncode == 0, fine.output


def test_a_fresh_project_gets_its_tables_from_migrations(tmp_path: object) -> None:
    from pathlib import Path

    root = Path(str(tmp_path))
    project = make_project(root / "p", f"sqlite:///{root / 'x.db'}")
    current = project.db("current")
    assert "auth" in current.stdout and "up to date" in current.stdout
