"""Database tests: the `db_session` fixture (from aegis-database) gives each test a fresh
SQLite file with the tables of `app/models/` created, and a session on it."""

from aegis_database import Session
from sqlalchemy import text

from app.core.db import db_session as open_session


def test_db_session_talks_to_a_real_database(db_session: Session) -> None:
    assert db_session.connection().execute(text("SELECT 1")).scalar_one() == 1


async def test_services_may_await_the_session(db_session: Session) -> None:
    await db_session.commit()  # services written against AsyncSession work unchanged


def test_your_code_opens_sessions_on_the_test_database(db_session: Session) -> None:
    db_session.connection().execute(text("CREATE TABLE seen (id INTEGER)"))
    db_session.commit()
    with open_session() as session:  # what routes, commands and jobs do
        assert session.connection().execute(text("SELECT count(*) FROM seen")).scalar_one() == 0
