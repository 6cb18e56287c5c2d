"""Settings of the database component (merged into the project's settings by aegis-core)."""

from __future__ import annotations

from urllib.parse import urlsplit

from aegis_core.settings import cached_settings
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///data/app.db"
SUPPORTED = frozenset({"sqlite", "postgresql"})
BACKEND_ALIASES = {"postgres": "postgresql"}
"""Heroku-style `postgres://` is PostgreSQL."""
EXAMPLES = "use sqlite:///data/app.db or postgresql://user:password@host:5432/name"


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
    DATABASE_SQLITE_WAL: bool = True
    """Open SQLite files in write-ahead-log mode: readers never wait for a writer, so the web,
    worker and scheduler processes can share one file. Turn it off only where the file lives
    on a network file system, which WAL does not support (a file already in WAL mode stays so
    until `PRAGMA journal_mode=DELETE` is run on it with nothing else connected)."""
    DATABASE_HEALTH_TIMEOUT: float = 1.5
    """Seconds the health check waits for `SELECT 1`; below aegis-core's check timeout so the
    report names the database instead of a generic timeout."""
    DATABASE_WAIT_FOR_MIGRATIONS: float = Field(default=0.0, ge=0, le=600)
    """Seconds start-up waits, before serving, for the database to hold every installed
    migration (a separate `db upgrade` step running beside it, as `make up` does with
    PostgreSQL); 0 (the default) does not wait."""
    DATABASE_MIGRATIONS_DIR: str = "migrations"
    """The project's alembic folder (relative to the project dir); its `versions/` holds
    the project's own revisions."""

    @field_validator("DATABASE_URL")
    @classmethod
    def _usable_url(cls, value: str) -> str:
        """Checked with the other settings: a typo or an unsupported database is a one-line
        settings error at startup, not a traceback from the first query.

        The standard library's URL parser is enough to check the scheme and the port, and it
        keeps SQLAlchemy (~0.5 s of imports) out of every process that only reads settings;
        SQLAlchemy parses the URL again when the first engine is made."""
        try:
            parts = urlsplit(value.strip())
            parts.port  # noqa: B018 - raises ValueError for a port that is not a number
        except ValueError:
            raise ValueError(f"not a database URL; {EXAMPLES}") from None
        if not parts.scheme or "://" not in value:
            raise ValueError(f"not a database URL; {EXAMPLES}")
        backend = parts.scheme.split("+")[0]
        backend = BACKEND_ALIASES.get(backend, backend)
        if backend not in SUPPORTED:
            raise ValueError(f"{backend} is not supported; {EXAMPLES}") from None
        return value


get_settings = cached_settings(DatabaseSettings)
"""The database settings, read once per process (sessions are opened on every request)."""
