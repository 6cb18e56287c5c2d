"""Settings of the database component (merged into the project's settings by aegis-core)."""

from __future__ import annotations

from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///data/app.db"


class DatabaseSettings(BaseSettings):
    """`DATABASE_URL` picks the engine; relative SQLite paths are relative to the project dir."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    DATABASE_URL: str = DEFAULT_DATABASE_URL
    """`sqlite:///data/app.db` (default) or `postgresql://user:pass@host:5432/db`; drivers
    are chosen for you (psycopg 3 for PostgreSQL, aiosqlite for async SQLite)."""
    DATABASE_ECHO: bool = False
    """Log every SQL statement (debugging only)."""
    DATABASE_CONNECT_TIMEOUT: float = 5.0
    """Seconds to wait for a connection (PostgreSQL) or a lock (SQLite) before failing."""
    DATABASE_HEALTH_TIMEOUT: float = 1.5
    """Seconds the health check waits for `SELECT 1`; below aegis-core's check timeout so the
    report names the database instead of a generic timeout."""
    DATABASE_MIGRATIONS_DIR: str = "migrations"
    """The project's alembic folder (relative to the project dir); its `versions/` holds
    the project's own revisions."""


@lru_cache(maxsize=1)
def get_settings() -> DatabaseSettings:
    """Read once per process: sessions are opened often, `.env` changes need a restart."""
    return DatabaseSettings()
