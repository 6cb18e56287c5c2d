import os
import shutil
import subprocess
import sys
from pathlib import Path

from aegis_core.discovery import discover_components
from aegis_core.health.models import HealthStatus
from aegis_database.component import component, health_check
from aegis_database.settings import DatabaseSettings


def test_discovered_through_entry_point() -> None:
    found = discover_components(frozenset({"database", *component.requires}))
    assert found.get("database") is component
    assert component.settings is DatabaseSettings
    assert component.cli is not None and component.lifespan is not None


async def test_default_database_is_data_app_db_in_the_project(tmp_path: Path) -> None:
    result = await health_check()
    assert result.status is HealthStatus.HEALTHY, result.message
    assert (tmp_path / "data" / "app.db").is_file()
    assert "data/app.db" in result.message


def test_cli_subapp_builds() -> None:
    assert component.cli is not None
    names = {c.callback.__name__ for c in component.cli().registered_commands if c.callback}
    assert {"upgrade", "current", "revision"} <= names


def test_the_stub_template_and_its_test_pass_as_generated(tmp_path: Path) -> None:
    """The seeds import `from app.core.db import db_session`: the stub makes that true."""
    template = Path(__file__).resolve().parents[3] / "templates" / "database" / "files"
    shutil.copytree(template, tmp_path, dirs_exist_ok=True)
    (tmp_path / "app" / "__init__.py").write_text("")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/components"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
