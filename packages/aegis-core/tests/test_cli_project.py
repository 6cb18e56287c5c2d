"""The project CLI as a user runs it (a fresh process in a project folder): `async def`
commands run, `app/cli/<name>.py` modules are mounted, and bad settings are one line."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

PROJECT = {
    "app/__init__.py": "",
    "app/core/__init__.py": "",
    "app/core/config.py": """
        from aegis_core.settings import CoreSettings, compose_settings


        class Settings(CoreSettings):
            APP_NAME: str = "demo"


        settings = compose_settings(Settings)
    """,
    "app/main.py": """
        from aegis_core import create_app

        from app.core.config import settings

        app = create_app(settings)
    """,
    "app/cli/__init__.py": "",
    "app/cli/main.py": """
        import asyncio

        from aegis_core.cli import build_cli

        app = build_cli("demo")


        @app.command()
        async def greet(name: str) -> None:
            await asyncio.sleep(0)
            print(f"hello {name}")
    """,
    "app/cli/users.py": """
        import asyncio

        import typer

        app = typer.Typer()


        @app.command()
        async def create_user(email: str, name: str) -> None:
            \"\"\"Create a new user.\"\"\"
            await asyncio.sleep(0)
            print(f"Created user: {email} ({name})")


        @app.command()
        def count() -> None:
            print("0 users")
    """,
    "app/cli/load_data.py": """
        import typer

        app = typer.Typer()


        @app.command()
        def run() -> None:
            print("loaded")
    """,
    "app/cli/broken.py": """
        import typer

        app = typer.Typer()
        raise RuntimeError("half-written module")
    """,
    "app/cli/_helpers.py": "VALUE = 1\n",
    "app/cli/report.py": """
        import typer
        from pydantic_settings import BaseSettings

        app = typer.Typer()


        class ReportSettings(BaseSettings):  # like a component's own (WorkerConfig, ...)
            REPORT_LIMIT: int = 10


        @app.command()
        def show() -> None:
            print(f"limit {ReportSettings().REPORT_LIMIT}")
    """,
}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cli-project")
    (root / "pyproject.toml").write_text('[project]\nname = "demo"\nversion = "0"\n')
    for relative, source in PROJECT.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source).lstrip())
    return root


def cli(project: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    variables = {k: v for k, v in os.environ.items() if k not in {"PORT", "ENVIRONMENT"}}
    return subprocess.run(
        [sys.executable, "-c", "from app.cli.main import app; app(prog_name='demo')", *args],
        cwd=project,
        env={**variables, "PYTHONPATH": str(project), "AEGIS_COMPONENTS": "none", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def errors(result: subprocess.CompletedProcess[str]) -> str:
    """stderr without the warning about the (deliberately) broken module."""
    return "".join(
        line for line in result.stderr.splitlines(keepends=True) if "app.cli.broken" not in line
    )


def test_an_async_command_runs(project: Path) -> None:
    result = cli(project, "greet", "Ada")

    assert result.returncode == 0, result.stderr
    assert result.stdout == "hello Ada\n"
    assert "never awaited" not in result.stderr


def test_a_command_module_is_mounted_under_its_name(project: Path) -> None:
    created = cli(project, "users", "create-user", "ada@example.com", "Ada")
    counted = cli(project, "users", "count")
    loaded = cli(project, "load-data", "run")

    assert created.returncode == 0, created.stderr
    assert created.stdout == "Created user: ada@example.com (Ada)\n"
    assert (counted.stdout, loaded.stdout) == ("0 users\n", "loaded\n")


def test_a_broken_command_module_is_reported_not_fatal(project: Path) -> None:
    result = cli(project, "--help")

    assert result.returncode == 0, result.stderr
    assert "app.cli.broken failed to import: RuntimeError: half-written module" in result.stderr
    assert "users" in result.stdout and "load-data" in result.stdout
    assert "_helpers" not in result.stdout and "broken" not in result.stdout


@pytest.mark.parametrize("command", [["health", "status"], ["serve"]])
def test_a_bad_port_is_one_line_naming_the_setting(project: Path, command: list[str]) -> None:
    result = cli(project, *command, PORT="abc")

    assert result.returncode == 2, result.stdout + result.stderr
    assert errors(result) == (
        "Error: PORT='abc' is not a valid integer: "
        "set PORT in .env (or the environment) to a whole number\n"
    )
    assert result.stdout == ""


def test_any_settings_class_read_by_a_command_is_covered(project: Path) -> None:
    assert cli(project, "report", "show").stdout == "limit 10\n"

    result = cli(project, "report", "show", REPORT_LIMIT="many")

    assert result.returncode == 2
    assert errors(result) == (
        "Error: REPORT_LIMIT='many' is not a valid integer: "
        "set REPORT_LIMIT in .env (or the environment) to a whole number\n"
    )


def test_a_bad_value_in_dot_env_is_named_too(project: Path) -> None:
    (project / ".env").write_text("ENVIRONMENT=prod\n")
    try:
        result = cli(project, "health", "status")
    finally:
        (project / ".env").unlink()

    assert result.returncode == 2
    assert errors(result).startswith("Error: ENVIRONMENT='prod' is not allowed: set ENVIRONMENT")
    assert "'development', 'test' or 'production'" in errors(result)
    assert len(errors(result).splitlines()) == 1
