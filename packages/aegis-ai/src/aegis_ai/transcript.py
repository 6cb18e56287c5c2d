"""PydanticAI messages as the turns a person reads: who said what, and which tools ran."""

from __future__ import annotations

from pydantic_ai.messages import (
    ModelMessage,
    ModelRequest,
    ModelResponse,
    TextPart,
    ToolCallPart,
    UserPromptPart,
)


def transcript(messages: list[ModelMessage]) -> list[dict[str, str]]:
    turns: list[dict[str, str]] = []
    for message in messages:
        if isinstance(message, ModelRequest):
            for part in message.parts:
                if isinstance(part, UserPromptPart):
                    turns.append({"role": "user", "content": _text(part.content)})
        elif isinstance(message, ModelResponse):
            text = "".join(p.content for p in message.parts if isinstance(p, TextPart))
            tools = [p.tool_name for p in message.parts if isinstance(p, ToolCallPart)]
            if tools:
                turns.append({"role": "tool", "content": ", ".join(tools)})
            if text:
                turns.append({"role": "assistant", "content": text})
    return turns


def _text(content: object) -> str:
    return content if isinstance(content, str) else str(content)
