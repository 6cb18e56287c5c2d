"""A local server speaking OpenAI's chat-completions wire format, for tests and the bench.

Point a project at it exactly as at vLLM (`AI_PROVIDER=openai-compatible`,
`AI_BASE_URL=<server.url>`): the real OpenAI client, HTTP and SSE parsing all run. It answers
`echo: <last user message> (user messages seen: N)`, so a test can see what history reached
the model, and records every request. `server.mode` makes it fail like real providers do:
`ok`, `unauthorized`, `rate_limited`, `flaky`, `server_error`, `malformed`, `slow` (sleeps `delay`),
`hang_stream` (sends `hang_after` chunks, then waits until the client goes away).
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

MODEL = "local-test-model"


@dataclass
class FakeOpenAI:
    url: str = ""
    mode: str = "ok"
    delay: float = 0.0
    hang_after: int = 2
    chunk_delay: float = 0.0
    requests: list[dict[str, Any]] = field(default_factory=list)
    streams_cancelled: int = 0
    streams_finished: int = 0
    fail_times: int = 0
    """With mode `flaky`: answer 429 (Retry-After 0.1 s) this many times, then succeed."""

    def last_user_messages(self, index: int = -1) -> list[str]:
        """User messages the model received in request `index`."""
        messages = self.requests[index]["messages"]
        return [m["content"] for m in messages if m["role"] == "user"]


def _answer_text(body: dict[str, Any]) -> str:
    users = [m for m in body.get("messages", []) if m.get("role") == "user"]
    last = users[-1]["content"] if users else ""
    if isinstance(last, list):
        last = " ".join(str(p.get("text", "")) for p in last)
    return f"echo: {last} (user messages seen: {len(users)})"


def _usage(body: dict[str, Any], text: str) -> dict[str, int]:
    prompt = sum(len(str(m.get("content", "")).split()) for m in body.get("messages", []))
    completion = len(text.split())
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }


def _chunk(delta: dict[str, Any], finish: str | None = None) -> str:
    payload = {
        "id": "chatcmpl-local",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": MODEL,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return f"data: {json.dumps(payload)}\n\n"


def build_app(state: FakeOpenAI) -> Starlette:
    async def completions(request: Request) -> Response:
        body = await request.json()
        state.requests.append(body)
        failure = _failure(state)
        if failure is not None:
            return failure
        if state.mode == "slow":
            await asyncio.sleep(state.delay)
        text = _answer_text(body)
        if body.get("stream"):
            return StreamingResponse(_stream(state, body, text), media_type="text/event-stream")
        return JSONResponse(
            {
                "id": "chatcmpl-local",
                "object": "chat.completion",
                "created": 0,
                "model": MODEL,
                "choices": [
                    {
                        "index": 0,
                        "finish_reason": "stop",
                        "message": {"role": "assistant", "content": text},
                    }
                ],
                "usage": _usage(body, text),
            }
        )

    return Starlette(routes=[Route("/v1/chat/completions", completions, methods=["POST"])])


def _failure(state: FakeOpenAI) -> Response | None:
    def error(status: int, message: str, kind: str, **headers: str) -> Response:
        content = {"error": {"message": message, "type": kind, "code": kind}}
        return JSONResponse(content, status_code=status, headers=headers)

    if state.mode == "unauthorized":
        return error(401, "Incorrect API key provided", "invalid_api_key")
    if state.mode == "rate_limited":
        return error(429, "Rate limit reached", "rate_limit_exceeded", **{"retry-after": "7"})
    if state.mode == "flaky" and state.fail_times > 0:
        state.fail_times -= 1
        return error(429, "Slow down", "rate_limit_exceeded", **{"retry-after-ms": "100"})
    if state.mode == "server_error":
        return error(500, "The server had an error", "server_error")
    if state.mode == "malformed":
        return Response("this is not json", media_type="application/json")
    return None


async def _stream(state: FakeOpenAI, body: dict[str, Any], text: str) -> AsyncIterator[str]:
    words = text.split(" ")
    finished = False
    try:
        yield _chunk({"role": "assistant", "content": ""})
        for index, word in enumerate(words):
            if state.mode == "hang_stream" and index == state.hang_after:
                await asyncio.sleep(3600)
            if state.chunk_delay:
                await asyncio.sleep(state.chunk_delay)
            yield _chunk({"content": word if index == 0 else f" {word}"})
        yield _chunk({}, finish="stop")
        usage = {
            "id": "chatcmpl-local",
            "object": "chat.completion.chunk",
            "created": 0,
            "model": MODEL,
            "choices": [],
            "usage": _usage(body, text),
        }
        yield f"data: {json.dumps(usage)}\n\n"
        yield "data: [DONE]\n\n"
        finished = True
    finally:
        if finished:
            state.streams_finished += 1
        else:
            state.streams_cancelled += 1


@contextmanager
def openai_compatible_server() -> Iterator[FakeOpenAI]:
    """Serve the fake on 127.0.0.1 (a free port) in a thread; `.url` is its `/v1` base URL."""
    state = FakeOpenAI()
    config = uvicorn.Config(
        build_app(state), host="127.0.0.1", port=0, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not (server.started and server.servers):
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the local OpenAI-compatible server did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    state.url = f"http://127.0.0.1:{port}/v1"
    try:
        yield state
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def use_offline_model() -> Iterator[None]:
    """Within the block the ai service uses the offline test model and a fresh memory store,
    whatever `.env` says, so a project's tests never call a real provider."""
    import os

    from aegis_ai import agent, stats
    from aegis_ai.store_factory import reset_stores

    saved = {name: os.environ.get(name) for name in ("AI_PROVIDER", "AI_STORE")}
    os.environ.update(AI_PROVIDER="", AI_STORE="memory")
    agent.reset()
    reset_stores()
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        agent.reset()
        reset_stores()
        stats.forget()
