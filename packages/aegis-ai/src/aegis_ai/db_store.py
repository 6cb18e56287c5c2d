"""Conversations in the project's database (table `ai_conversations`, this package's migrations).

Database failures become `StoreError` with one line (the API answers 503): a missing table
names the command that creates it, an unreachable server says so.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, time

from aegis_core.messages import one_line
from pydantic_ai.messages import ModelMessagesTypeAdapter
from sqlalchemy import func
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from aegis_ai.models import AIConversation
from aegis_ai.store import Conversation, StoreError, StoreStats, tokens_on, utcnow

MIGRATE_HINT = "run `make migrate` (the project CLI's `database upgrade`)"
STATS_SCAN_LIMIT = 1000


@asynccontextmanager
async def _session() -> AsyncIterator[AsyncSession]:
    from aegis_database import async_db_session

    try:
        async with async_db_session() as session:
            yield session
    except SQLAlchemyError as exc:
        text = str(exc).lower()
        if "ai_conversations" in text and ("no such table" in text or "does not exist" in text):
            raise StoreError(f"the ai_conversations table does not exist: {MIGRATE_HINT}") from exc
        raise StoreError(f"conversation store (database): {one_line(exc)}") from exc


def _to_row(conversation: Conversation) -> AIConversation:
    return AIConversation(
        id=conversation.id,
        user_id=conversation.user_id,
        title=conversation.title,
        created_at=conversation.created_at,
        updated_at=conversation.updated_at,
        input_tokens=conversation.input_tokens,
        output_tokens=conversation.output_tokens,
        message_count=len(conversation.messages),
        messages=ModelMessagesTypeAdapter.dump_json(conversation.messages).decode(),
    )


def _from_row(row: AIConversation, with_messages: bool = True) -> Conversation:
    messages = ModelMessagesTypeAdapter.validate_json(row.messages) if with_messages else []
    return Conversation(
        id=row.id,
        user_id=row.user_id,
        title=row.title,
        messages=messages,
        created_at=_aware(row.created_at),
        updated_at=_aware(row.updated_at),
        input_tokens=row.input_tokens,
        output_tokens=row.output_tokens,
        stored_count=None if with_messages else row.message_count,
    )


def _aware(moment: datetime) -> datetime:
    """SQLite hands datetimes back naive; they were written in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class DatabaseStore:
    label = "database"

    async def close(self) -> None:
        """Close the pool inside the loop that opened it (a CLI's loop ends with the command)."""
        from aegis_database import get_async_engine

        await get_async_engine().dispose()

    async def get(self, conversation_id: str, user_id: str | None) -> Conversation | None:
        async with _session() as session:
            row = await session.get(AIConversation, conversation_id)
        if row is None or row.user_id != user_id:
            return None
        return _from_row(row)

    async def save(self, conversation: Conversation) -> None:
        async with _session() as session:
            await session.merge(_to_row(conversation))

    async def list(self, user_id: str | None, limit: int) -> list[Conversation]:
        owner = (
            col(AIConversation.user_id).is_(None)
            if user_id is None
            else col(AIConversation.user_id) == user_id
        )
        query = (
            select(AIConversation)
            .where(owner)
            .order_by(col(AIConversation.updated_at).desc())
            .limit(limit)
        )
        async with _session() as session:
            rows = (await session.exec(query)).all()
        return [_from_row(row, with_messages=False) for row in rows]

    async def delete(self, conversation_id: str, user_id: str | None) -> bool:
        async with _session() as session:
            row = await session.get(AIConversation, conversation_id)
            if row is None or row.user_id != user_id:
                return False
            await session.delete(row)
        return True

    async def stats(self) -> StoreStats:
        midnight = datetime.combine(utcnow().date(), time(), tzinfo=UTC)
        recent = (
            select(AIConversation)
            .where(col(AIConversation.updated_at) >= midnight)
            .limit(STATS_SCAN_LIMIT)
        )
        async with _session() as session:
            count = (await session.exec(select(func.count()).select_from(AIConversation))).one()
            rows = (await session.exec(recent)).all()
        today = utcnow()
        tokens = sum(tokens_on(_from_row(row).messages, today) for row in rows)
        return StoreStats(conversations=int(count), tokens_today=tokens)
