import subprocess
import sys
from pathlib import Path

import pytest
from aegis_database.urls import DatabaseUrlError, async_url, describe, mask, sync_url


def test_postgres_urls_get_psycopg_for_both_modes() -> None:
    for raw in ("postgresql://u:p@db:5432/app", "postgres://u:p@db:5432/app"):
        assert sync_url(raw).drivername == "postgresql+psycopg"
        assert async_url(raw).drivername == "postgresql+psycopg"


def test_an_async_only_driver_is_swapped_for_the_sync_engine_but_kept_for_async() -> None:
    raw = "postgresql+asyncpg://u@db/app"
    assert sync_url(raw).drivername == "postgresql+psycopg"
    assert async_url(raw).drivername == "postgresql+asyncpg"


def test_sqlite_uses_aiosqlite_when_async() -> None:
    assert async_url("sqlite:////tmp/x.db").drivername == "sqlite+aiosqlite"
    assert sync_url("sqlite+aiosqlite:////tmp/x.db").drivername == "sqlite+pysqlite"


def test_relative_sqlite_path_is_anchored_at_the_project_dir(tmp_path: Path) -> None:
    url = sync_url("sqlite:///data/app.db", base=tmp_path)
    assert url.database == str(tmp_path / "data" / "app.db")
    assert sync_url("sqlite://").database in (None, "")


def test_passwords_never_show() -> None:
    assert "secret" not in mask("postgresql://u:secret@db/app")
    assert describe(sync_url("postgresql://u:secret@db:5433/app")) == "postgresql db:5433/app"


def test_garbage_is_a_one_line_error() -> None:
    with pytest.raises(DatabaseUrlError, match="not a database URL"):
        sync_url("not a url")


@pytest.mark.parametrize(
    "raw", ["postgres://u:p@db:5432/app", "postgresql+psycopg://u@db/app", "sqlite:///data/app.db"]
)
def test_settings_accept_what_sqlalchemy_parses_without_importing_it(raw: str) -> None:
    """Every process reads the settings; SQLAlchemy (~0.5 s of imports) waits for an engine."""
    probe = (
        "import sys\nfrom aegis_database.settings import DatabaseSettings\n"
        f"DatabaseSettings(DATABASE_URL={raw!r})\nprint('sqlalchemy' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.stdout.strip() == "False", done.stderr
    assert sync_url(raw).get_backend_name() in {"postgresql", "sqlite"}
