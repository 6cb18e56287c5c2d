"""Code users paste from the integration guides, run in a real generated project.

An `async def` command in `app/cli/main.py`, a command module `app/cli/users.py`, a startup
hook without a parameter, `app.services.system` from a route, a CLI command validating the
`/health` reply with `HealthResponse`. Each snippet is pasted as the guides show it (plus the
imports a user adds) and run through the project's own entry points.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import Result, copy_project, run, serve_project, venv_bin

SLUG = "mvp-api"

ASYNC_COMMAND = '''

@app.command()
async def ping(name: str) -> None:
    """An async command: it must run, not just create a coroutine."""
    import asyncio

    await asyncio.sleep(0)
    print(f"pong {name}")
'''

USERS_CLI = '''"""User commands: `mvp-api users …`."""

import asyncio

import typer

app = typer.Typer()


@app.command()
async def create_user(email: str, name: str):
    """Create a new user."""
    await asyncio.sleep(0)
    print(f"Created user: {email}")
'''

BROKEN_CLI = """import typer

app = typer.Typer()
from app.services.does_not_exist import nothing  # noqa: E402, F401
"""

STARTUP_HOOK = '''"""Warm a cache: a hook that has no use for the app."""

from pathlib import Path


async def startup_hook():
    Path("data").mkdir(exist_ok=True)
    Path("data/warmed").write_text("yes")
'''

SYSTEM_ROUTE = '''"""System status for API clients."""

from fastapi import APIRouter

from app.services.system import get_system_status
from app.services.system.models import HealthResponse

router = APIRouter()


@router.get("/system", response_model=HealthResponse)
async def health_check() -> HealthResponse:
    # Internal code - trust the data
    status = await get_system_status()
    return HealthResponse(
        healthy=status.overall_healthy,
        status=status.status,
        components=status.summary().components,
        timestamp=status.timestamp,
    )
'''

CHECK_CLI = '''"""`mvp-api check health URL`: validate the API's reply at the boundary."""

import httpx
import typer

from app.services.system.models import HealthResponse

app = typer.Typer()


@app.command()
def health(url: str) -> None:
    response = httpx.get(url)
    # CLI - validate API response
    health_data = HealthResponse.model_validate(response.json())

    # Then trust: direct attribute access
    print(f"System healthy: {health_data.healthy}")
'''


@pytest.fixture(scope="module")
def seeded(cached_project: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of the generated project with every snippet of this module pasted in."""
    project = copy_project(cached_project, tmp_path_factory.mktemp("guides-app") / SLUG)
    with (project / "app" / "cli" / "main.py").open("a") as main:
        main.write(ASYNC_COMMAND)
    (project / "app" / "cli" / "users.py").write_text(USERS_CLI)
    (project / "app" / "cli" / "check.py").write_text(CHECK_CLI)
    (project / "app" / "components" / "backend" / "startup" / "warm.py").write_text(STARTUP_HOOK)
    api = project / "app" / "components" / "backend" / "api"
    (api / "system.py").write_text(SYSTEM_ROUTE)
    register_router(api / "routing.py", "system")
    return project


def register_router(routing: Path, module: str) -> None:
    """What a user does in routing.py: import the router, include it."""
    text = routing.read_text()
    first_import = "from app.core.constants import"
    assert first_import in text
    text = text.replace(
        first_import,
        f"from app.components.backend.api.{module} import router as {module}_router\n"
        + first_import,
    )
    routing.write_text(text + f"\n\nrouter.include_router({module}_router)\n")


def cli(project: Path, *args: str) -> Result:
    return run([venv_bin(project, SLUG), *args], cwd=project, timeout=120)


def test_an_async_command_in_main_runs(seeded: Path) -> None:
    result = cli(seeded, "ping", "Ada")

    assert result.returncode == 0, result.output
    assert result.stdout == "pong Ada\n"
    assert "never awaited" not in result.stderr


def test_a_command_module_becomes_a_command_group(seeded: Path) -> None:
    result = cli(seeded, "users", "create-user", "test@example.com", "Test User")

    assert result.returncode == 0, result.output
    assert result.stdout == "Created user: test@example.com\n"
    assert "users" in cli(seeded, "--help").stdout


def test_a_broken_command_module_is_reported_and_the_rest_works(
    seeded: Path, tmp_path: Path
) -> None:
    broken = seeded / "app" / "cli" / "reports.py"
    broken.write_text(BROKEN_CLI)
    try:
        result = cli(seeded, "users", "create-user", "a@example.com", "A")
    finally:
        broken.unlink()

    assert result.returncode == 0, result.output
    assert "warning: app.cli.reports failed to import: ModuleNotFoundError" in result.stderr
    assert "Traceback" not in result.output


def test_startup_hook_without_parameter_system_status_and_health_response(
    seeded: Path,
) -> None:
    with serve_project(seeded, SLUG) as url:
        import httpx

        system = httpx.get(f"{url}/api/system", timeout=30)
        checked = cli(seeded, "check", "health", f"{url}/health")

    assert (seeded / "data" / "warmed").read_text() == "yes", "the hook ran"
    assert system.status_code == 200, system.text
    assert system.json()["healthy"] is True
    assert {"backend", "frontend"} <= set(system.json()["components"])
    assert checked.returncode == 0, checked.output
    assert checked.stdout == "System healthy: True\n"


def test_the_pasted_code_passes_the_projects_own_checks(seeded: Path) -> None:
    """`make lint` (ruff and mypy over app/) and `make test` stay green with the snippets in."""
    lint = run(["make", "lint"], cwd=seeded, timeout=300)
    tests = run(["make", "test"], cwd=seeded, timeout=300)

    assert lint.returncode == 0, lint.output
    assert tests.returncode == 0, tests.output
