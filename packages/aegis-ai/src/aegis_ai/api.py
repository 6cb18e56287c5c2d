"""Routes under the API prefix: chat (whole or streamed), conversations, providers.

With aegis-auth installed every route needs a login and a conversation belongs to the user
who started it (another user's is a 404, as if it did not exist).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Response
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from aegis_ai.errors import ChatFailure
from aegis_ai.providers import describe, model_name, provider_name
from aegis_ai.service import ChatResult, ChatService

ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
MESSAGE_HARD_LIMIT = 200_000
"""Schema bound; AI_MAX_MESSAGE_CHARS (at most this) is the one a project tunes."""
SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
OTHER_METHODS = ("HEAD", "POST", "PUT", "PATCH", "OPTIONS", "TRACE")
"""Methods no conversation route takes: answered 405 with every method the path does take."""


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    message: str = Field(min_length=1, max_length=MESSAGE_HARD_LIMIT)
    stream: bool = False
    """True answers with the event stream of `POST /ai/chat/stream`."""
    conversation_id: str | None = Field(default=None, pattern=ID_PATTERN)
    """Continue this conversation (its history reaches the model); omit to start one."""


class Usage(BaseModel):
    input_tokens: int
    output_tokens: int


class ChatResponse(BaseModel):
    response: str
    conversation_id: str
    provider: str
    model: str
    usage: Usage


def owner_dependency() -> Callable[..., Any]:
    """Who owns conversations: the logged-in user with aegis-auth, nobody without it."""
    from aegis_ai.store_factory import component_loaded

    if not component_loaded("auth"):
        return _anonymous
    try:
        from aegis_auth.deps import get_current_active_user
    except ModuleNotFoundError as exc:
        if exc.name is None or not exc.name.startswith("aegis_auth"):
            raise
        return _anonymous

    async def logged_in(user: Any = Depends(get_current_active_user)) -> str | None:
        return str(user.id)

    return logged_in


async def _anonymous() -> str | None:
    return None


def failure_response(failure: ChatFailure) -> JSONResponse:
    headers = {}
    if failure.retry_after is not None:
        headers["Retry-After"] = str(max(1, round(failure.retry_after)))
    return JSONResponse({"detail": failure.message}, status_code=failure.status, headers=headers)


FAILURES: dict[int | str, dict[str, Any]] = {
    400: {"description": "The body is not valid JSON"},
    404: {"description": "No such conversation (or another user's)"},
    502: {"description": "The provider answered badly: rejected key, unknown model, bad reply"},
    503: {"description": "Not configured, provider unreachable or rate limited, store down"},
    504: {"description": "The provider did not answer within AI_TIMEOUT_SECONDS"},
}


Owner = Annotated[str | None, Depends(owner_dependency())]
"""Decided once, when the routes are built (this module is imported only then)."""
ConversationId = Annotated[str, Path(pattern=ID_PATTERN)]


class EventStream(StreamingResponse):
    media_type = "text/event-stream"


def _event(name: str, required: list[str], properties: dict[str, Any]) -> dict[str, Any]:
    data = {"type": "object", "required": required, "properties": properties}
    return {
        "type": "object",
        "required": ["event", "data"],
        "properties": {
            "event": {"const": name},
            "data": {
                "type": "string",
                "contentMediaType": "application/json",
                "contentSchema": data,
            },
        },
    }


EVENT_STREAM: dict[str, Any] = {
    "description": "Server-Sent Events: `delta` {text} …, then `done` {conversation_id, usage}",
    "content": {
        "text/event-stream": {
            "itemSchema": {
                "anyOf": [
                    _event("delta", ["text"], {"text": {"type": "string"}}),
                    _event(
                        "done",
                        ["conversation_id", "usage"],
                        {"conversation_id": {"type": "string"}, "usage": {"type": "object"}},
                    ),
                    _event(
                        "error",
                        ["status", "detail"],
                        {"status": {"type": "integer"}, "detail": {"type": "string"}},
                    ),
                ]
            }
        }
    },
}


def build_router() -> APIRouter:
    router = APIRouter(prefix="/ai", tags=["ai"], responses=FAILURES)

    @router.post("/chat", response_model=ChatResponse, responses={200: EVENT_STREAM})
    async def chat(body: ChatRequest, owner: Owner) -> Any:
        """One answer; `"stream": true` answers with Server-Sent Events instead."""
        if body.stream:
            return await _stream(body, owner)
        try:
            result = await ChatService().chat(body.message, body.conversation_id, owner)
        except ChatFailure as failure:
            return failure_response(failure)
        return result.as_dict()

    @router.post("/chat/stream", response_class=EventStream, responses={200: EVENT_STREAM})
    async def chat_stream(body: ChatRequest, owner: Owner) -> Any:
        """Server-Sent Events: `delta` events with text, then `done` with the conversation id
        and token usage (or `error` if the provider fails mid-answer)."""
        return await _stream(body, owner)

    @router.get("/conversations")
    async def conversations(
        owner: Owner, limit: Annotated[int, Query(ge=1, le=100)] = 20
    ) -> dict[str, Any]:
        """Your conversations, most recent first."""
        store = _store()
        listed = await _or_failure(store.list(owner, limit))
        return {"store": store.label, "conversations": [c.summary() for c in listed]}

    @router.get("/conversations/{conversation_id}")
    async def conversation(conversation_id: ConversationId, owner: Owner) -> dict[str, Any]:
        """One conversation with its messages."""
        found = await _or_failure(_store().get(conversation_id, owner))
        if found is None:
            raise HTTPException(404, f"no conversation {conversation_id}")
        from aegis_ai.transcript import transcript

        return {**found.summary(), "transcript": transcript(found.messages)}

    @router.delete("/conversations/{conversation_id}")
    async def forget_conversation(conversation_id: ConversationId, owner: Owner) -> dict[str, Any]:
        """Forget one conversation."""
        if not await _or_failure(_store().delete(conversation_id, owner)):
            raise HTTPException(404, f"no conversation {conversation_id}")
        return {"deleted": conversation_id}

    # Starlette answers a method no route of the path takes from the first route alone
    # ("Allow: GET"); this one answers it with every method of the path. One route for
    # GET and DELETE would do the same, but FastAPI gives both methods one OpenAPI operation id.
    @router.api_route(
        "/conversations/{conversation_id}",
        methods=list(OTHER_METHODS),
        include_in_schema=False,
    )
    async def conversation_method_not_allowed() -> Response:
        return Response(status_code=405, headers={"Allow": "GET, DELETE"})

    @router.get("/providers")
    async def providers(_owner: Owner) -> dict[str, Any]:
        """Supported providers, which one is active and whether its key is set (never shown)."""
        from aegis_ai.settings import get_settings

        settings = get_settings()
        return {
            "active": provider_name(settings),
            "model": model_name(settings),
            "providers": describe(settings),
        }

    return router


def _store() -> Any:
    from aegis_ai.settings import get_settings
    from aegis_ai.store import StoreError
    from aegis_ai.store_factory import get_store

    try:
        return get_store(get_settings())
    except StoreError as exc:
        raise HTTPException(503, str(exc)) from None


async def _or_failure(pending: Any) -> Any:
    from aegis_ai.store import StoreError

    try:
        return await pending
    except StoreError as exc:
        raise HTTPException(503, str(exc)) from None


async def _stream(body: ChatRequest, owner: str | None) -> Any:
    from aegis_ai.streaming import TurnStream

    events = ChatService().stream(body.message, body.conversation_id, owner)
    turn = TurnStream(events)
    try:
        first: str | ChatResult = await turn.first()
    except ChatFailure as failure:
        return failure_response(failure)
    return EventStream(turn.sse(first), headers=SSE_HEADERS)
