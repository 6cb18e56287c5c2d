import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from aegis_core import discover_components
from aegis_core.cli import build_cli
from aegis_core.health.models import HealthStatus
from aegis_database.component import component, health_check
from aegis_database.settings import DatabaseSettings


def test_discovered_through_entry_point() -> None:
    found = discover_components(frozenset({"database"}))
    assert found.get("database") is component
    assert component.settings is DatabaseSettings
    assert component.cli is not None and component.lifespan is not None


async def test_default_database_is_data_app_db_in_the_project(tmp_path: Path) -> None:
    result = await health_check()
    # Other installed packages (auth, ai) may bring migrations this new file does not have yet.
    healthy = result.status is HealthStatus.HEALTHY
    assert healthy or result.message.endswith("run `make migrate`"), result.message
    assert (tmp_path / "data" / "app.db").is_file()
    assert "data/app.db" in result.message


@pytest.mark.parametrize("group", ["database", "db"])
def test_commands_on_the_project_cli_under_both_names(
    group: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`<slug> database …` and `<slug> db …` (what the Makefile and docs use) are the same."""
    from typer.testing import CliRunner

    monkeypatch.setenv("AEGIS_COMPONENTS", "database")
    result = CliRunner().invoke(build_cli("demo"), [group, "--help"])
    assert result.exit_code == 0, result.output
    for command in ("upgrade", "current", "revision"):
        assert command in result.output


def test_the_stub_template_and_its_test_pass_as_generated(tmp_path: Path) -> None:
    """The stub's tests use the `db_session` fixture as a project does (asyncio_mode=auto, as in
    the project's pyproject)."""
    template = Path(__file__).resolve().parents[3] / "templates" / "database" / "files"
    shutil.copytree(template, tmp_path, dirs_exist_ok=True)
    (tmp_path / "app" / "__init__.py").write_text("")
    result = subprocess.run(
        [
            *(sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"),
            *("-o", "asyncio_mode=auto", "tests/components"),
        ],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout
