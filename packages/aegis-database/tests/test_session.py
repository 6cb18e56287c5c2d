"""Sessions on real SQLite and real PostgreSQL, and the user guides' service pattern as written."""

from __future__ import annotations

import textwrap
from pathlib import Path

import httpx
import pytest
from aegis_core.testing import run_server
from aegis_database import async_db_session, db_session, get_engine
from aegis_database.session import Session
from sqlmodel import Field, SQLModel, select


class Note(SQLModel, table=True):
    """The one table these tests write to."""

    __tablename__ = "aegis_test_note"
    id: int | None = Field(default=None, primary_key=True)
    text: str


@pytest.fixture
def notes_table(db_url: str) -> str:
    SQLModel.metadata.create_all(get_engine(), tables=[SQLModel.metadata.tables["aegis_test_note"]])
    return db_url


def _texts() -> list[str]:
    with Session(get_engine()) as session:
        return [n.text for n in session.exec(select(Note).order_by(Note.text))]


def test_db_session_commits_when_the_block_succeeds(notes_table: str) -> None:
    with db_session() as session:
        session.add(Note(text="kept"))
    assert _texts() == ["kept"]


def test_db_session_rolls_back_when_the_block_raises(notes_table: str) -> None:
    with pytest.raises(RuntimeError), db_session() as session:
        session.add(Note(text="lost"))
        session.flush()
        raise RuntimeError("boom")
    assert _texts() == []


def test_objects_stay_readable_after_the_block(notes_table: str) -> None:
    with db_session() as session:
        note = Note(text="after")
        session.add(note)
    assert note.id is not None and note.text == "after"


class NoteService:
    """Written like the guides' UserService: an async service that awaits commit/refresh."""

    def __init__(self, db: Session) -> None:
        self.db = db

    async def create_note(self, text: str) -> Note:
        note = Note(text=text)
        self.db.add(note)
        await self.db.commit()
        await self.db.refresh(note)
        return note


async def test_the_seeds_pattern_sync_session_awaited_service(notes_table: str) -> None:
    with db_session() as session:
        service = NoteService(session)
        note = await service.create_note("from a service")
    assert note.id is not None
    assert _texts() == ["from a service"]


async def test_async_db_session_commits_and_rolls_back(notes_table: str) -> None:
    async with async_db_session() as session:
        session.add(Note(text="async kept"))
    with pytest.raises(ValueError):
        async with async_db_session() as session:
            session.add(Note(text="async lost"))
            await session.flush()
            raise ValueError("boom")
    assert _texts() == ["async kept"]


APP = """
from fastapi import FastAPI
from sqlmodel import select

from aegis_database import AsyncSessionDep
from notes_model import Note

app = FastAPI()


@app.post("/notes")
async def add(text: str, session: AsyncSessionDep) -> dict:
    note = Note(text=text)
    session.add(note)
    await session.commit()
    return {"id": note.id}


@app.get("/notes")
async def notes(session: AsyncSessionDep) -> list[str]:
    return [n.text for n in (await session.exec(select(Note))).all()]
"""

MODEL = """
from sqlmodel import Field, SQLModel


class Note(SQLModel, table=True):
    __tablename__ = "aegis_test_note"
    id: int | None = Field(default=None, primary_key=True)
    text: str
"""


def test_get_async_session_serves_a_real_fastapi_app(notes_table: str, tmp_path: Path) -> None:
    (tmp_path / "webapp.py").write_text(textwrap.dedent(APP))
    (tmp_path / "notes_model.py").write_text(textwrap.dedent(MODEL))
    env = {"DATABASE_URL": notes_table, "PYTHONPATH": str(tmp_path)}
    with run_server("webapp:app", cwd=tmp_path, env=env, ready_path="/notes") as server:
        created = httpx.post(f"{server.url}/notes", params={"text": "over http"}, timeout=10)
        assert created.status_code == 200, server.log()
        assert created.json()["id"] == 1
        assert server.get("/notes").json() == ["over http"]
    assert _texts() == ["over http"]
