"""aegis-database: SQLModel persistence (SQLite by default, PostgreSQL by DATABASE_URL).

Public names load lazily so that discovering the component (which imports
`aegis_database.component`) does not import SQLAlchemy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aegis_core.lazy import lazy_attributes

if TYPE_CHECKING:
    from aegis_database.component import component
    from aegis_database.engine import (
        dispose_engines,
        get_async_engine,
        get_engine,
        reads_never_wait,
    )
    from aegis_database.session import (
        AsyncSessionDep,
        Session,
        SessionDep,
        async_db_session,
        db_session,
        get_async_session,
        get_session,
    )
    from aegis_database.settings import DatabaseSettings, get_settings
    from aegis_database.urls import sync_url

__all__ = [
    "AsyncSessionDep",
    "DatabaseSettings",
    "Session",
    "SessionDep",
    "async_db_session",
    "component",
    "db_session",
    "dispose_engines",
    "get_async_engine",
    "get_async_session",
    "get_engine",
    "get_session",
    "get_settings",
    "reads_never_wait",
    "sync_url",
]

_LAZY = {
    "component": "aegis_database.component",
    "get_engine": "aegis_database.engine",
    "reads_never_wait": "aegis_database.engine",
    "get_async_engine": "aegis_database.engine",
    "dispose_engines": "aegis_database.engine",
    "Session": "aegis_database.session",
    "SessionDep": "aegis_database.session",
    "AsyncSessionDep": "aegis_database.session",
    "db_session": "aegis_database.session",
    "async_db_session": "aegis_database.session",
    "get_async_session": "aegis_database.session",
    "get_session": "aegis_database.session",
    "DatabaseSettings": "aegis_database.settings",
    "get_settings": "aegis_database.settings",
    "sync_url": "aegis_database.urls",
}

__getattr__ = lazy_attributes(__name__, _LAZY)
