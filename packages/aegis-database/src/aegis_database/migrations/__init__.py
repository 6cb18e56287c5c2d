"""Alembic migrations split by package: each package ships its own branch (see `sources`)."""

from aegis_database.migrations.env import run_migrations
from aegis_database.migrations.sources import (
    ENTRY_POINT_GROUP,
    PROJECT_BRANCH,
    MigrationSource,
    MigrationSourceError,
    discover_sources,
)

__all__ = [
    "ENTRY_POINT_GROUP",
    "PROJECT_BRANCH",
    "MigrationSource",
    "MigrationSourceError",
    "discover_sources",
    "run_migrations",
]
