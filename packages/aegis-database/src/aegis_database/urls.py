"""Turn the one `DATABASE_URL` a user writes into the sync and async URLs SQLAlchemy needs.

Users write `postgresql://…` (or Heroku-style `postgres://…`) and `sqlite:///…`; the drivers
we install are psycopg 3 (sync and async) and aiosqlite. An explicit driver is respected when
it fits the mode and swapped for ours when it does not (asyncpg cannot serve a sync engine).
"""

from __future__ import annotations

from pathlib import Path

from aegis_core.project import project_dir
from sqlalchemy.engine import URL, make_url

from aegis_database.settings import BACKEND_ALIASES

_SYNC_DRIVER = {"postgresql": "psycopg", "sqlite": "pysqlite"}
_ASYNC_DRIVER = {"postgresql": "psycopg", "sqlite": "aiosqlite"}
_ASYNC_ONLY = {"asyncpg", "aiosqlite", "psycopg_async", "aiomysql", "asyncmy"}
_SYNC_ONLY = {"psycopg2", "pg8000", "pysqlite", "pymysql", "mysqldb"}


class DatabaseUrlError(ValueError):
    """DATABASE_URL cannot be parsed."""


def parse(raw: str, base: Path | None = None) -> URL:
    """Parse `raw`, accept `postgres://`, and anchor a relative SQLite file at the project dir."""
    scheme, separator, rest = raw.strip().partition("://")
    text = f"{BACKEND_ALIASES.get(scheme, scheme)}{separator}{rest}"
    try:
        url = make_url(text)
    except Exception as exc:
        raise DatabaseUrlError(f"DATABASE_URL {mask(raw)!r} is not a database URL: {exc}") from exc
    return _anchor_sqlite(url, base)


def _anchor_sqlite(url: URL, base: Path | None) -> URL:
    database = url.database
    if url.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return url
    if database.startswith("file:"):
        return url
    path = Path(database)
    if not path.is_absolute():
        path = (base or project_dir()) / path
    return url.set(database=str(path))


def sync_url(raw: str | URL, base: Path | None = None) -> URL:
    """The URL for a sync engine (alembic, `db_session`, the scheduler's job store)."""
    return _with_driver(_as_url(raw, base), _SYNC_DRIVER, _ASYNC_ONLY)


def async_url(raw: str | URL, base: Path | None = None) -> URL:
    """The URL for an async engine (`get_async_session`)."""
    return _with_driver(_as_url(raw, base), _ASYNC_DRIVER, _SYNC_ONLY)


def _as_url(raw: str | URL, base: Path | None) -> URL:
    return raw if isinstance(raw, URL) else parse(raw, base)


def _with_driver(url: URL, preferred: dict[str, str], wrong_mode: set[str]) -> URL:
    backend = url.get_backend_name()
    if backend not in preferred:
        return url
    explicit = "+" in url.drivername
    if explicit and url.get_driver_name() not in wrong_mode:
        return url
    return url.set(drivername=f"{backend}+{preferred[backend]}")


def sqlite_path(url: URL) -> Path | None:
    """The file behind a SQLite URL, or None for memory / other databases."""
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def mask(raw: str | URL) -> str:
    """The URL with its password hidden, safe for logs, errors and /health."""
    try:
        url = raw if isinstance(raw, URL) else make_url(str(raw))
    except Exception:
        return "<unparseable URL>"
    return url.render_as_string(hide_password=True)


def describe(url: URL) -> str:
    """A short human name: `sqlite data/app.db` or `postgresql 127.0.0.1:5432/test`."""
    path = sqlite_path(url)
    if path is not None:
        return f"sqlite {path}"
    if url.get_backend_name() == "sqlite":
        return "sqlite (in memory)"
    host = f"{url.host or 'localhost'}:{url.port or ''}".rstrip(":")
    return f"{url.get_backend_name()} {host}/{url.database or ''}"
