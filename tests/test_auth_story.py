"""The auth story, end to end in a generated project (the user guide's "Month 4"):

`aegis add-service auth` on a project without a database adds the database first → `make
migrate` → `mvp-api auth create-test-users --count 5` → the guide's curl login → a route of
the user's own, written as the guide writes it, called with a real token → the project's own
tests pass → `aegis remove-service auth` keeps the stub the user edited.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import httpx
from aegis_auth.testing import auth_health

from tests.lifecycle_support import commit, dependency_names, manifest, ok
from tests.support import run, serve_project, venv_bin

STUBS = (
    "app/models/user.py",
    "app/components/backend/api/deps.py",
    "tests/services/test_auth.py",
)
REPORTS = '''"""My reports API."""

from fastapi import APIRouter, Depends

from app.components.backend.api.deps import get_current_active_user
from app.models.user import User

router = APIRouter()


@router.post("/reports/generate")
async def generate_report_async(
    report_data: dict,
    current_user: User = Depends(get_current_active_user),  # Protected!
) -> dict:
    """Queue report generation (requires authentication)."""
    return {"status": "queued", "user_id": current_user.id, "rows": len(report_data)}
'''
GUIDE_CURL = """curl -X POST http://localhost:8000/api/auth/login \\
  -H "Content-Type: application/json" \\
  -d '{"email": "admin@example.com", "password": "admin123"}'"""


def _grow_reports_route(project: Path) -> None:
    (project / "app/components/backend/api/reports.py").write_text(REPORTS)
    routing = project / "app/components/backend/api/routing.py"
    text = routing.read_text().replace(
        "router = APIRouter()\n",
        "router = APIRouter()\n\nfrom app.components.backend.api import reports  # noqa: E402\n\n"
        "router.include_router(reports.router)\n",
        1,
    )
    routing.write_text(text)


def test_auth_story(project: Path) -> None:
    assert "aegis-database" not in dependency_names(project)
    added = ok("add-service", "auth", "--yes", cwd=project).stdout
    assert "database" in added
    assert {"aegis-auth", "aegis-database"} <= dependency_names(project)
    for stub in STUBS:
        assert (project / stub).is_file(), stub
    python_lines = sum(len((project / s).read_text().splitlines()) for s in STUBS)
    assert python_lines <= 150
    assert "AUTH_SECRET_KEY" in (project / ".env.example").read_text()
    commit(project, "auth")

    migrated = run(["make", "migrate"], cwd=project)
    assert migrated.returncode == 0, migrated.output
    assert "auth" in migrated.stdout and "up to date" in migrated.stdout
    users = run([venv_bin(project, "mvp-api"), "auth", "create-test-users", "--count", "5"],
                cwd=project)  # fmt: skip
    assert users.returncode == 0, users.output
    assert "admin@example.com / admin123" in users.stdout

    _grow_reports_route(project)
    with serve_project(project, "mvp-api") as url:
        command = GUIDE_CURL.replace("http://localhost:8000", url)
        login = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=60)
        assert '"access_token"' in login.stdout, login
        token = json.loads(login.stdout)["access_token"]
        report = f"{url}/api/reports/generate"
        refused = httpx.post(report, json={"a": 1}, timeout=30)
        assert refused.status_code == 401 and refused.headers["www-authenticate"] == "Bearer"
        allowed = httpx.post(
            report, json={"a": 1}, headers={"Authorization": f"Bearer {token}"}, timeout=30
        )
        assert allowed.status_code == 200, allowed.text
        assert allowed.json() == {"status": "queued", "user_id": 1, "rows": 1}
        assert httpx.get(f"{url}/health/detailed", timeout=30).status_code == 401
        auth = auth_health(url, token)  # admin@example.com is a superuser
        assert auth["status"] == "healthy" and auth["metadata"]["users"] == 5, auth

    tests = run([venv_bin(project, "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                cwd=project)  # fmt: skip
    assert tests.returncode == 0, tests.output
    assert (
        "test_auth.py"
        in run(
            [venv_bin(project, "python"), "-m", "pytest", "--collect-only", "-q"], cwd=project
        ).stdout
    )

    user_model = project / "app/models/user.py"
    edited = user_model.read_text() + "\n# my note: profiles live in app/models/profile.py\n"
    user_model.write_text(edited)
    commit(project, "my routes")
    removed = ok("remove-service", "auth", "--yes", cwd=project).stdout
    assert "Kept because you changed it" in removed and "app/models/user.py" in removed
    assert "The users, auth_refresh_tokens and auth_login_events tables and their data stay" in (
        " ".join(removed.split())  # the package's removal note, however the console wrapped it
    )
    assert user_model.read_text() == edited
    assert not (project / "app/components/backend/api/deps.py").exists()
    assert "aegis-auth" not in dependency_names(project)
    assert "auth" not in manifest(project)["components"]
    assert "aegis-database" in dependency_names(project), "the database (and its data) stays"
    assert (project / "data/app.db").is_file()
