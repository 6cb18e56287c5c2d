"""Test helpers: a throwaway PostgreSQL database, and settings pointed at a given URL.

Tests must never drop or fill the shared `test` database: each gets its own database, created
here and dropped (with its connections) afterwards.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from aegis_database.urls import sync_url


@contextmanager
def temporary_postgres_database(server_url: str, prefix: str = "aegis_test") -> Iterator[str]:
    """Create a fresh database on the server of `server_url`, yield its URL, then drop it."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(sync_url(server_url), poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def use_database(url: str) -> Iterator[str]:
    """Point `DATABASE_URL` at `url` for the block, with fresh engines before and after."""
    import os

    from aegis_database.engine import dispose_engines

    previous = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = url
    dispose_engines()
    try:
        yield url
    finally:
        dispose_engines()
        if previous is None:
            os.environ.pop("DATABASE_URL", None)
        else:
            os.environ["DATABASE_URL"] = previous
