"""Conversations and where they live: the model every store keeps, and the memory store.

A conversation keeps PydanticAI's own message list (requests, responses with their usage and
timestamps, tool calls), so a follow-up hands the model exactly what it saw before, and tokens
per day are read from the responses themselves.
"""

from __future__ import annotations

import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from pydantic_ai.messages import ModelMessage, ModelResponse

TITLE_CHARS = 80


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Conversation:
    id: str
    user_id: str | None
    title: str
    messages: list[ModelMessage] = field(default_factory=list)
    created_at: datetime = field(default_factory=utcnow)
    updated_at: datetime = field(default_factory=utcnow)
    input_tokens: int = 0
    output_tokens: int = 0
    stored_count: int | None = None
    """Message count from a listing that did not load the messages themselves."""

    @classmethod
    def start(cls, first_message: str, user_id: str | None) -> Conversation:
        title = " ".join(first_message.split())[:TITLE_CHARS]
        return cls(id=uuid.uuid4().hex, user_id=user_id, title=title)

    def summary(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
            "messages": len(self.messages) if self.stored_count is None else self.stored_count,
            "usage": {"input_tokens": self.input_tokens, "output_tokens": self.output_tokens},
        }


@dataclass(frozen=True)
class StoreStats:
    conversations: int
    tokens_today: int


class StoreError(RuntimeError):
    """The store cannot be used (e.g. its table is missing); the message says what to do."""


class ConversationStore(Protocol):
    label: str

    async def get(self, conversation_id: str, user_id: str | None) -> Conversation | None: ...

    async def save(self, conversation: Conversation) -> None: ...

    async def list(self, user_id: str | None, limit: int) -> list[Conversation]: ...

    async def delete(self, conversation_id: str, user_id: str | None) -> bool: ...

    async def stats(self) -> StoreStats: ...


def tokens_on(messages: list[ModelMessage], day: datetime) -> int:
    """Tokens of the responses dated `day` (UTC)."""
    return sum(
        m.usage.input_tokens + m.usage.output_tokens
        for m in messages
        if isinstance(m, ModelResponse) and m.timestamp.astimezone(UTC).date() == day.date()
    )


class MemoryStore:
    """Per process, least recently used conversations forgotten past a bound."""

    label = "memory"

    def __init__(self, max_conversations: int) -> None:
        self._items: OrderedDict[str, Conversation] = OrderedDict()
        self._max = max_conversations

    async def get(self, conversation_id: str, user_id: str | None) -> Conversation | None:
        found = self._items.get(conversation_id)
        if found is None or found.user_id != user_id:
            return None
        self._items.move_to_end(conversation_id)
        return found

    async def save(self, conversation: Conversation) -> None:
        self._items[conversation.id] = conversation
        self._items.move_to_end(conversation.id)
        while len(self._items) > self._max:
            self._items.popitem(last=False)

    async def list(self, user_id: str | None, limit: int) -> list[Conversation]:
        mine = [c for c in self._items.values() if c.user_id == user_id]
        return sorted(mine, key=lambda c: c.updated_at, reverse=True)[:limit]

    async def delete(self, conversation_id: str, user_id: str | None) -> bool:
        if await self.get(conversation_id, user_id) is None:
            return False
        del self._items[conversation_id]
        return True

    async def stats(self) -> StoreStats:
        today = utcnow()
        tokens = sum(tokens_on(c.messages, today) for c in self._items.values())
        return StoreStats(conversations=len(self._items), tokens_today=tokens)
