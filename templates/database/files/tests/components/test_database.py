"""The database answers through the project's own `app.core.db` (real SQLite in a temp dir)."""

from pathlib import Path

from aegis_database.testing import use_database
from sqlalchemy import text

from app.core.db import db_session


def test_db_session_talks_to_a_real_database(tmp_path: Path) -> None:
    with use_database(f"sqlite:///{tmp_path}/test.db"), db_session() as session:
        assert session.connection().execute(text("SELECT 1")).scalar_one() == 1
