"""The offline test model: what a project without AI_PROVIDER talks to.

Built on PydanticAI's `FunctionModel`, so the whole path (agent, history, streaming, storage,
usage) runs for real in a fresh project, its tests and CI, without network or keys. Every
answer starts by saying it is the offline test model, so it can never pass for a real LLM.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from pydantic_ai.messages import ModelMessage, ModelRequest, ModelResponse, TextPart, UserPromptPart
from pydantic_ai.models.function import AgentInfo, FunctionModel

BANNER = "[offline test model]"


def offline_model() -> FunctionModel:
    return FunctionModel(_answer, stream_function=_stream, model_name="offline")


def reply(messages: list[ModelMessage], info: AgentInfo) -> str:
    """Plainly not an AI: it echoes the message and shows what reached it (history, tools)."""
    prompts = [
        _text(part.content)
        for m in messages
        if isinstance(m, ModelRequest)
        for part in m.parts
        if isinstance(part, UserPromptPart)
    ]
    said = prompts[-1] if prompts else ""
    tools = ", ".join(t.name for t in info.function_tools) or "none"
    earlier = len(prompts) - 1
    previous = f' Your previous message was: "{_clip(prompts[-2])}".' if earlier else ""
    return (
        f"{BANNER} No AI provider is configured (set AI_PROVIDER in .env), so this is not an "
        f'AI answer. You said: "{_clip(said)}". Earlier messages in this conversation: '
        f"{earlier}.{previous} Tools available: {tools}."
    )


def _answer(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
    return ModelResponse(parts=[TextPart(reply(messages, info))])


async def _stream(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
    """Word by word, like a real model streams."""
    words = reply(messages, info).split(" ")
    for index, word in enumerate(words):
        yield word if index == 0 else f" {word}"


def _text(content: object) -> str:
    return content if isinstance(content, str) else str(content)


def _clip(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
