"""aegis-database: SQLModel persistence with alembic migrations."""

from aegis_database.component import component

__all__ = ["component"]
