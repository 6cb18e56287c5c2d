"""A real server with the database: health checks write nothing at INFO.

alembic's migration context used to log "Context impl SQLiteImpl." and "Will assume
non-transactional DDL." on every health check, and its plugin set-up seven "setup plugin"
lines at start-up; under a probe those drowned the log.
"""

from __future__ import annotations

from pathlib import Path

from aegis_core.testing import run_server

MAIN = """
from aegis_core import CoreSettings, create_app

app = create_app(CoreSettings(APP_NAME="quiet", DASHBOARD_ENABLED=False))
"""


def test_health_checks_of_the_database_write_nothing_at_info(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "main.py").write_text(MAIN)
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "quiet"\n')
    env = {
        "AEGIS_COMPONENTS": "database",
        "DATABASE_URL": f"sqlite:///{tmp_path}/data/app.db",
        "HEALTH_CACHE_SECONDS": "0",  # every request runs the database check
        "PYTHONPATH": str(tmp_path),
    }
    with run_server("app.main:app", cwd=tmp_path, env=env) as server:  # waits for a real run
        for _ in range(5):
            database = server.get("/health").json()["components"]["database"]
            assert "SELECT 1" in database["message"]  # the check really ran
        log = server.log()

    assert "Context impl" not in log and "Will assume" not in log
    assert "setup plugin" not in log
    assert "GET /health" not in log
    info = [line for line in log.splitlines() if " INFO " in line]
    assert [line for line in info if "quiet started" in line] == info[:1], info
