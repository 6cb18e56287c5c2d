"""`<slug> auth …` as users run it, and the user guide's login: `create-test-users --count 5`
then its `curl` command as written, against a real server."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest
from aegis_auth.testing import AuthProject, Client

SECRET = "a password typed on stdin"


@pytest.fixture(scope="module")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'app.db'}"


def _one_line_error(result: object, *words: str) -> None:
    returncode, stderr = result.returncode, result.stderr  # type: ignore[attr-defined]
    assert returncode == 1, result
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), stderr
    for word in words:
        assert word in lines[0], lines[0]


def test_create_test_users_then_the_guides_curl_login(
    auth_project: AuthProject, api: Client
) -> None:
    created = auth_project.cli("create-test-users", "--count", "5")
    assert created.returncode == 0, created.output
    assert "created  admin@example.com / admin123 (superuser)" in created.stdout
    assert created.stdout.count("created  ") == 5
    again = auth_project.cli("create-test-users", "--count", "2")
    assert "exists   admin@example.com" in again.stdout, "running it twice changes nothing"

    guide = """curl -X POST http://localhost:8000/api/auth/login \\
  -H "Content-Type: application/json" \\
  -d '{"email": "admin@example.com", "password": "admin123"}'"""
    command = guide.replace("http://localhost:8000", api.url)
    answer = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=60)
    assert answer.returncode == 0 and '"access_token"' in answer.stdout, answer
    assert '"token_type":"bearer"' in answer.stdout


def test_create_user_from_stdin_and_list(auth_project: AuthProject, api: Client) -> None:
    made = auth_project.cli(
        "create-user", "Ops@Example.com", "--superuser", "--password-stdin", stdin=f"{SECRET}\n"
    )
    assert made.returncode == 0, made.output
    assert made.stdout.startswith("created superuser ops@example.com")
    assert SECRET not in made.output
    me = api.get("/auth/me", token=api.login("ops@example.com", SECRET)["access_token"])
    assert me.json()["is_superuser"] is True
    listing = auth_project.cli("list-users").stdout
    assert "ops@example.com" in listing and SECRET not in listing


def test_bad_input_is_one_line_and_changes_nothing(auth_project: AuthProject) -> None:
    before = auth_project.cli("list-users").stdout
    _one_line_error(
        auth_project.cli("create-user", "not-an-email", "--password-stdin", stdin="x" * 12),
        "not a valid email address",
    )
    _one_line_error(
        auth_project.cli("create-user", "short@example.com", "--password-stdin", stdin="abc\n"),
        "at least 8",
    )
    _one_line_error(auth_project.cli("promote", "nobody@example.com"), "no user", "list-users")
    auth_project.cli("create-user", "dup@example.com", "--password-stdin", stdin=f"{SECRET}\n")
    _one_line_error(
        auth_project.cli("create-user", "dup@example.com", "--password-stdin", stdin=f"{SECRET}\n"),
        "already exists",
    )
    after = auth_project.cli("list-users").stdout
    assert after.count("\n") == before.count("\n") + 1, "only dup@example.com was added"
    assert auth_project.cli("create-test-users", "--count", "0").returncode == 2


def test_set_password_deactivate_activate_promote(auth_project: AuthProject, api: Client) -> None:
    auth_project.cli("create-user", "ann@example.com", "--password-stdin", stdin=f"{SECRET}\n")
    old = api.login("ann@example.com", SECRET)
    changed = auth_project.cli(
        "set-password", "ann@example.com", "--password-stdin", stdin="the new password\n"
    )
    assert changed.returncode == 0 and "sessions ended" in changed.stdout
    assert api.get("/auth/me", token=old["access_token"]).status_code == 401
    fresh = api.login("ann@example.com", "the new password")

    assert auth_project.cli("deactivate", "ann@example.com").returncode == 0
    assert api.get("/auth/me", token=fresh["access_token"]).status_code == 401
    assert "ann@example.com" in auth_project.cli("list-users").stdout
    assert auth_project.cli("activate", "ann@example.com").returncode == 0
    assert auth_project.cli("promote", "ann@example.com").stdout.endswith("is now a superuser\n")
    token = api.login("ann@example.com", "the new password")["access_token"]
    assert api.get("/auth/me", token=token).json()["is_superuser"] is True


def test_without_migrations_the_cli_says_to_migrate(tmp_path: object) -> None:
    from pathlib import Path

    root = Path(str(tmp_path))
    (root / "app").mkdir()
    (root / "app" / "__init__.py").write_text("")
    (root / "pyproject.toml").write_text('[project]\nname = "p"\nversion = "0"\n')
    bare = AuthProject(
        root,
        {
            **__import__("os").environ,
            "AEGIS_PROJECT_DIR": str(root),
            "PYTHONPATH": str(root),
            "DATABASE_URL": f"sqlite:///{root / 'empty.db'}",
        },
    )
    _one_line_error(bare.cli("list-users"), "make migrate")
