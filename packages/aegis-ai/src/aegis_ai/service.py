"""One chat turn: load the conversation, run the agent with its history, store the new messages.

`chat()` answers whole; `stream()` yields text deltas, then the finished `ChatResult`. Both map
provider and store failures to `ChatFailure` (502/503/504) and record the call for health.
Cancelling the consumer (a client that drops the stream) cancels the provider request.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

from pydantic_ai.exceptions import AgentRunError
from pydantic_ai.messages import ModelMessage, ModelRequest, UserPromptPart
from pydantic_ai.settings import ModelSettings
from pydantic_ai.usage import RunUsage

from aegis_ai import stats
from aegis_ai.agent import get_agent
from aegis_ai.errors import ChatFailure, classify
from aegis_ai.providers import PROVIDERS, model_name, provider_name
from aegis_ai.settings import AISettings, get_settings
from aegis_ai.store import Conversation, StoreError, utcnow
from aegis_ai.store_factory import get_store


@dataclass(frozen=True)
class ChatResult:
    conversation_id: str
    response: str
    input_tokens: int
    output_tokens: int
    provider: str
    model: str

    def as_dict(self) -> dict[str, object]:
        return {
            "response": self.response,
            "conversation_id": self.conversation_id,
            "provider": self.provider,
            "model": self.model,
            "usage": {"input_tokens": self.input_tokens, "output_tokens": self.output_tokens},
        }


def recent_history(messages: list[ModelMessage], limit: int) -> list[ModelMessage]:
    """The last `limit` messages, cut at a user turn so no tool call loses its return."""
    if limit <= 0:
        return []
    tail = messages[-limit:]
    for index, message in enumerate(tail):
        if isinstance(message, ModelRequest) and any(
            isinstance(part, UserPromptPart) for part in message.parts
        ):
            return tail[index:]
    return []


class ChatService:
    def __init__(self, settings: AISettings | None = None) -> None:
        self.settings = settings or get_settings()
        self.provider = provider_name(self.settings)
        self.model = model_name(self.settings)

    def _failure(self, exc: BaseException) -> ChatFailure | None:
        known = PROVIDERS.get(self.settings.AI_PROVIDER)
        return classify(exc, self.provider, known.key_env if known else "")

    async def _conversation(
        self, message: str, conversation_id: str | None, user_id: str | None
    ) -> Conversation:
        if not message.strip():
            raise ChatFailure(422, "the message is empty")
        if len(message) > self.settings.AI_MAX_MESSAGE_CHARS:
            raise ChatFailure(
                422,
                f"the message is longer than AI_MAX_MESSAGE_CHARS "
                f"({self.settings.AI_MAX_MESSAGE_CHARS} characters)",
            )
        store = get_store(self.settings)
        if conversation_id is None:
            return Conversation.start(message, user_id)
        found = await store.get(conversation_id, user_id)
        if found is None:
            raise ChatFailure(404, f"no conversation {conversation_id}")
        return found

    def _options(self, conversation: Conversation) -> dict[str, object]:
        limit, retries = self.settings.AI_TIMEOUT_SECONDS, self.settings.AI_MAX_RETRIES
        return {
            "message_history": recent_history(
                conversation.messages, self.settings.AI_MAX_HISTORY_MESSAGES
            ),
            "model_settings": ModelSettings(timeout=limit, max_retries=retries),
            "timeout": limit,
        }

    async def _finish(
        self, conversation: Conversation, new: list[ModelMessage], usage: RunUsage, text: str
    ) -> ChatResult:
        conversation.messages.extend(new)
        conversation.input_tokens += usage.input_tokens
        conversation.output_tokens += usage.output_tokens
        conversation.updated_at = utcnow()
        await get_store(self.settings).save(conversation)
        return ChatResult(
            conversation.id,
            text,
            usage.input_tokens,
            usage.output_tokens,
            self.provider,
            self.model,
        )

    async def chat(
        self, message: str, conversation_id: str | None = None, user_id: str | None = None
    ) -> ChatResult:
        try:
            conversation = await self._conversation(message, conversation_id, user_id)
            agent = get_agent(self.settings)
            started = time.perf_counter()
            try:
                run = await agent.run(message, **self._options(conversation))  # type: ignore[call-overload]
            finally:
                _record(started)
            return await self._finish(conversation, run.new_messages(), run.usage, run.output)
        except Exception as exc:
            failure = self._mapped(exc)
            if failure is None:
                raise
            raise failure from exc

    async def stream(
        self, message: str, conversation_id: str | None = None, user_id: str | None = None
    ) -> AsyncIterator[str | ChatResult]:
        try:
            conversation = await self._conversation(message, conversation_id, user_id)
            agent = get_agent(self.settings)
            started = time.perf_counter()
            parts: list[str] = []
            try:
                async with agent.run_stream(message, **self._options(conversation)) as run:  # type: ignore[call-overload]
                    async for delta in run.stream_text(delta=True, debounce_by=None):
                        parts.append(delta)
                        yield delta
                    new, usage = run.new_messages(), run.usage
            finally:
                _record(started)
            yield await self._finish(conversation, new, usage, "".join(parts))
        except Exception as exc:
            failure = self._mapped(exc)
            if failure is None:
                raise
            raise failure from exc

    def _mapped(self, exc: Exception) -> ChatFailure | None:
        """The failure to answer with; a provider's is also remembered for health."""
        failure = self._failure(exc)
        if failure is not None and isinstance(exc, AgentRunError | TimeoutError):
            last = stats.last_call()
            stats.record(last.latency_ms if last else 0.0, failure.message)
        return failure


def _record(started: float) -> None:
    stats.record((time.perf_counter() - started) * 1000)


async def get_ai_response(
    message: str, user_id: object = None, conversation_id: str | None = None
) -> str:
    """The answer to `message` (the Python entry point: routes, jobs, scripts).

    With `user_id` (any id type, stored as text) and no `conversation_id`, the user's most
    recent conversation continues, so a per-user route keeps its history without tracking ids.
    """
    owner = None if user_id is None else str(user_id)
    service = ChatService()
    if owner is not None and conversation_id is None:
        try:
            latest = await get_store(service.settings).list(owner, 1)
        except StoreError as exc:
            raise ChatFailure(503, str(exc)) from exc
        conversation_id = latest[0].id if latest else None
    result = await service.chat(message, conversation_id=conversation_id, user_id=owner)
    return result.response
