"""aegis-database: SQLModel persistence (SQLite by default, PostgreSQL by DATABASE_URL) with alembic migrations."""

from aegis_database.component import component

__all__ = ["component"]
