"""Test helpers: a throwaway project with the auth tables migrated, real servers started from
it, and its CLI run as a user would (`python -m aegis_auth …`).

Used by aegis-auth's own tests and the repository's end-to-end tests; a project's tests may use
them to show a protected route works over real HTTP, not only through a test client.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from aegis_core.testing import RunningServer, run_server

MAIN = "from aegis_core import create_app\n\napp = create_app()\n"


@dataclass
class AuthProject:
    root: Path
    env: dict[str, str]

    def run(self, module: str, *args: str, stdin: str | None = None, **env: str) -> Result:
        completed = subprocess.run(
            [sys.executable, "-m", module, *args],
            cwd=self.root,
            env={**self.env, **env},
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
        )
        return Result(completed.returncode, completed.stdout, completed.stderr)

    def cli(self, *args: str, stdin: str | None = None, **env: str) -> Result:
        """`<slug> auth …` without the project CLI around it."""
        return self.run("aegis_auth", *args, stdin=stdin, **env)

    def db(self, *args: str, **env: str) -> Result:
        """`<slug> db …` (migrations)."""
        return self.run("aegis_database", *args, **env)

    @contextmanager
    def serve(self, **env: str) -> Iterator[Client]:
        with run_server("app.main:app", cwd=self.root, env={**self.env, **env}) as server:
            yield Client(server)


@dataclass(frozen=True)
class Result:
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


@dataclass
class Client:
    """HTTP calls to a running server under its API prefix."""

    server: RunningServer

    @property
    def url(self) -> str:
        return self.server.url

    def post(self, path: str, **kwargs: object) -> httpx.Response:
        return httpx.post(f"{self.url}/api{path}", timeout=30, **kwargs)  # type: ignore[arg-type]

    def get(self, path: str, token: str | None = None, **kwargs: object) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.get(f"{self.url}/api{path}", headers=headers, timeout=30, **kwargs)  # type: ignore[arg-type]

    def auth_health(self, token: str | None = None) -> dict[str, Any]:
        return auth_health(self.url, token)

    def login(self, email: str, password: str) -> dict[str, str]:
        response = self.post("/auth/login", json={"email": email, "password": password})
        assert response.status_code == 200, response.text
        tokens: dict[str, str] = response.json()
        return tokens

    def register(self, email: str, password: str) -> httpx.Response:
        return self.post("/auth/register", json={"email": email, "password": password})


def make_project(root: Path, database_url: str, **env: str) -> AuthProject:
    """A minimal project at `root` on `database_url`, its migrations applied."""
    (root / "app").mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text('[project]\nname = "proj"\nversion = "0"\n')
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "main.py").write_text(MAIN)
    project = AuthProject(
        root,
        {
            **os.environ,
            "AEGIS_PROJECT_DIR": str(root),
            "PYTHONPATH": str(root),
            "AEGIS_COMPONENTS": "auth,database",
            "DATABASE_URL": database_url,
            "AUTH_SECRET_KEY": secrets.token_urlsafe(48),
            "AUTH_REDIS_URL": "",
            "AUTH_RATE_LIMIT_PREFIX": f"aegis-test:{secrets.token_hex(8)}",
            "LOG_LEVEL": "DEBUG",
            **env,
        },
    )
    migrated = project.db("upgrade")
    assert migrated.returncode == 0, migrated.output
    return project


def auth_health(url: str, token: str | None = None, wait: float = 60) -> dict[str, Any]:
    """The `auth` entry of `url`/health/detailed once its first check has finished (the check
    starts with the server and may still be running when the first request comes)."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    deadline = time.monotonic() + wait
    while True:
        health = httpx.get(f"{url}/health/detailed", headers=headers, timeout=30)
        auth: dict[str, Any] = health.json()["services"]["auth"]
        if not auth["message"].startswith("starting") or time.monotonic() > deadline:
            return auth
        time.sleep(0.5)
