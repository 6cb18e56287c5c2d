"""Conversations in the project's database (the `ai` migration branch), on real SQLite and
PostgreSQL: a follow-up in another process (the CLI) still sees the history."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from aegis_ai.sandbox import Project, forget
from aegis_ai.service import ChatService
from aegis_ai.testing import FakeOpenAI
from aegis_database import dispose_engines
from aegis_database.testing import temporary_postgres_database

DATABASE_STUB = Path(__file__).resolve().parents[3] / "templates" / "database" / "files"


@pytest.fixture(params=["sqlite", "postgresql"])
def database(
    request: pytest.FixtureRequest, project: Project, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """The project with aegis-database loaded, on a fresh SQLite file or PostgreSQL database."""

    def use(url: str) -> str:
        values = {"DATABASE_URL": url, "AEGIS_COMPONENTS": "ai,database", "AI_STORE": "auto"}
        project.env.update(values)
        for name, value in values.items():
            monkeypatch.setenv(name, value)
        dispose_engines()
        forget()
        return url

    if request.param == "sqlite":
        yield use(f"sqlite:///{project.root}/data/app.db")
    else:
        with temporary_postgres_database(request.getfixturevalue("postgres_url")) as url:
            yield use(url)
    dispose_engines()


async def test_history_survives_into_another_process(
    project: Project, provider: FakeOpenAI, database: str
) -> None:
    project.migrate(DATABASE_STUB / "migrations")
    first = await ChatService().chat("Explain webhooks")
    assert ChatService().settings.AI_STORE == "auto"

    later = project.cli("ai", "chat", "--conversation", first.conversation_id, "Give an example")

    assert later.returncode == 0, later.stderr
    assert "echo: Give an example (user messages seen: 2)" in later.stdout
    assert provider.last_user_messages() == ["Explain webhooks", "Give an example"]
    listed = project.cli("ai", "conversations")
    assert first.conversation_id in listed.stdout and "4 msgs" in listed.stdout
    status = project.cli("ai", "status")
    assert "store: database" in status.stdout and "conversations: 1" in status.stdout


async def test_owners_and_deletion_in_the_database(
    project: Project, provider: FakeOpenAI, database: str
) -> None:
    project.migrate(DATABASE_STUB / "migrations")
    service = ChatService()
    mine = await service.chat("Mine", user_id="7")
    from aegis_ai.store_factory import get_store

    store = get_store(service.settings)
    assert store.label == "database"
    assert await store.get(mine.conversation_id, "8") is None, "another user's is not found"
    assert [c.id for c in await store.list("7", 10)] == [mine.conversation_id]
    assert await store.list("8", 10) == []
    stats = await store.stats()
    assert stats.conversations == 1 and stats.tokens_today == mine.input_tokens + mine.output_tokens
    assert not await store.delete(mine.conversation_id, "8")
    assert await store.delete(mine.conversation_id, "7")
    assert await store.get(mine.conversation_id, "7") is None


async def test_a_missing_table_says_to_migrate(
    project: Project, provider: FakeOpenAI, database: str
) -> None:
    from aegis_ai.errors import ChatFailure

    with pytest.raises(ChatFailure) as failure:
        await ChatService().chat("hello")
    assert failure.value.status == 503
    assert str(failure.value) == (
        "the ai_conversations table does not exist: run `make migrate` "
        "(the project CLI's `database upgrade`)"
    )
