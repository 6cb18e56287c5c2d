"""Alembic env: every installed Aegis package's migrations plus yours (migrations/versions/)."""

from aegis_database.migrations import run_migrations

# Your tables: every module under app/models/ is imported; pass models=[...] to change that.
run_migrations()
