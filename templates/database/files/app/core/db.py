"""Database sessions for your code: `with db_session() as session:` (see aegis-database)."""

from aegis_database import AsyncSessionDep, async_db_session, db_session, get_async_session

__all__ = ["AsyncSessionDep", "async_db_session", "db_session", "get_async_session"]
