"""Alembic env used when the project has no `migrations/env.py` of its own."""

from aegis_database.migrations import run_migrations

run_migrations()
