"""The `db_session` fixture, used the way the docs show, in a real pytest run of a project."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

MODELS = """
from sqlmodel import Field, SQLModel


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    email: str
    full_name: str
"""

SERVICE = """
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.models.user import User


class UserService:
    def __init__(self, db: AsyncSession):
        self.db = db

    async def create_user(self, email: str, full_name: str) -> User:
        user = User(email=email, full_name=full_name)
        self.db.add(user)
        await self.db.commit()
        await self.db.refresh(user)
        return user

    def count(self) -> int:
        return len(self.db.exec(select(User)).all())
"""

TESTS = """
from app.core.db import db_session as open_session
from app.services.user_service import UserService


async def test_create_user(db_session):
    user_service = UserService(db_session)

    user = await user_service.create_user("test@example.com", "Test User")

    assert user.email == "test@example.com"
    assert user.id is not None
    with open_session() as session:  # code under test opening its own session sees it
        assert UserService(session).count() == 1


def test_each_test_starts_empty(db_session):
    assert UserService(db_session).count() == 0
"""


def test_db_session_fixture_in_a_project(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    pytester.makepyprojecttoml(
        '[project]\nname = "p"\nversion = "0"\n[tool.pytest.ini_options]\nasyncio_mode = "auto"\n'
    )
    for package in ("app", "app/models", "app/services", "app/core"):
        pytester.mkpydir(package)
    (pytester.path / "app/models/user.py").write_text(MODELS)
    (pytester.path / "app/services/user_service.py").write_text(SERVICE)
    (pytester.path / "app/core/db.py").write_text("from aegis_database import db_session\n")
    (pytester.path / "test_users.py").write_text(TESTS)
    monkeypatch.setenv("PYTHONPATH", str(pytester.path))
    monkeypatch.setenv("AEGIS_PROJECT_DIR", str(pytester.path))

    result = pytester.runpytest_subprocess("-p", "no:randomly", "-p", "no:xdist", "-p", "no:flet")

    result.assert_outcomes(passed=2)
    assert not (pytester.path / "data").exists(), "the project's own database is left alone"
