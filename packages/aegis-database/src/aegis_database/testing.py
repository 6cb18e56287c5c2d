"""Test helpers: a throwaway PostgreSQL database, settings pointed at a given URL, and a
session on a fresh database with every table created (the `db_session` pytest fixture).

Tests must never drop or fill the shared `test` database: each gets its own database, created
here and dropped (with its connections) afterwards.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from aegis_database.urls import sync_url

if TYPE_CHECKING:
    from aegis_database.session import Session


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


@contextmanager
def session_on_fresh_database(url: str, models: Sequence[str] | None = None) -> Iterator[Session]:
    """A session on the (empty) database at `url`, every known table created first.

    Tables come from the models of every installed package with migrations and from the
    project's `app/models/` (or `models`), the same ones `make migration` sees; they are
    created directly (no migrations), which is what a unit test of a service needs. The
    session commits nothing by itself; the database is the caller's to throw away.
    """
    from aegis_core.project import project_package
    from sqlmodel import SQLModel

    from aegis_database.engine import get_engine
    from aegis_database.migrations.env import import_models
    from aegis_database.migrations.sources import discover_sources
    from aegis_database.session import db_session

    for source in discover_sources():
        import_models(source.models, optional=False)
    import_models(models or [f"{project_package()}.models"], optional=models is None)
    with use_database(url):
        SQLModel.metadata.create_all(get_engine())
        with db_session(autocommit=False) as session:
            yield session
