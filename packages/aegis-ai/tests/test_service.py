"""The chat service in process: retries the provider asks for, bounded history, the memory
store's bound, providers' configuration errors, and the offline model's plain honesty."""

from __future__ import annotations

from importlib.util import find_spec

import pytest
from aegis_ai.errors import ChatFailure
from aegis_ai.providers import NotConfigured, build_model
from aegis_ai.sandbox import Project, forget
from aegis_ai.service import ChatService, recent_history
from aegis_ai.settings import AISettings
from aegis_ai.store import Conversation, MemoryStore
from aegis_ai.testing import FakeOpenAI
from pydantic import SecretStr, ValidationError
from pydantic_ai.messages import (
    ModelMessage,
    ModelRequest,
    ModelResponse,
    TextPart,
    ToolCallPart,
    ToolReturnPart,
    UserPromptPart,
)


async def test_retries_when_the_provider_says_when(
    provider: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AI_MAX_RETRIES", "2")
    forget()
    provider.mode, provider.fail_times = "flaky", 2
    result = await ChatService().chat("hello")
    assert result.response == "echo: hello (user messages seen: 1)"
    assert len(provider.requests) == 3, "two 429s with Retry-After, then the answer"


async def test_no_retries_left_is_a_503(
    provider: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AI_MAX_RETRIES", "1")
    forget()
    provider.mode, provider.fail_times = "flaky", 5
    with pytest.raises(ChatFailure) as failure:
        await ChatService().chat("hello")
    assert failure.value.status == 503 and len(provider.requests) == 2


async def test_only_recent_history_reaches_the_model(
    provider: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AI_MAX_HISTORY_MESSAGES", "4")
    forget()
    service = ChatService()
    first = await service.chat("one")
    for word in ("two", "three", "four"):
        await service.chat(word, first.conversation_id)
    seen = provider.last_user_messages()
    assert seen == ["two", "three", "four"], "the last 4 messages (2 turns), then the new one"


def test_history_is_cut_at_a_user_turn_so_no_tool_call_loses_its_return() -> None:
    call = ToolCallPart(tool_name="greet_visitor", args={"name": "Ada"}, tool_call_id="c1")
    turns: list[ModelMessage] = [
        ModelRequest(parts=[UserPromptPart(content="greet Ada")]),
        ModelResponse(parts=[call]),
        ModelRequest(
            parts=[
                ToolReturnPart(tool_name="greet_visitor", content="Hello, Ada!", tool_call_id="c1")
            ]
        ),
        ModelResponse(parts=[TextPart(content="Hello, Ada!")]),
        ModelRequest(parts=[UserPromptPart(content="thanks")]),
        ModelResponse(parts=[TextPart(content="welcome")]),
    ]
    assert recent_history(turns, 6) == turns
    assert recent_history(turns, 5) == turns[4:], "starts at the next user turn"
    assert recent_history(turns, 1) == [] and recent_history(turns, 0) == []


async def test_memory_store_forgets_the_least_recently_used() -> None:
    store = MemoryStore(max_conversations=2)
    first, second, third = (Conversation.start(t, None) for t in ("a", "b", "c"))
    for conversation in (first, second):
        await store.save(conversation)
    assert await store.get(first.id, None) is first  # first is now the most recent
    await store.save(third)
    assert await store.get(second.id, None) is None
    assert {c.id for c in await store.list(None, 10)} == {first.id, third.id}


def test_configuration_errors_name_the_fix(project: Project) -> None:
    with pytest.raises(NotConfigured, match=r"AI_PROVIDER=openai needs OPENAI_API_KEY in \.env"):
        build_model(AISettings(AI_PROVIDER="openai"))
    with pytest.raises(NotConfigured, match="needs AI_BASE_URL"):
        build_model(AISettings(AI_PROVIDER="openai-compatible", AI_MODEL="m"))
    with pytest.raises(NotConfigured, match="needs AI_MODEL"):
        build_model(AISettings(AI_PROVIDER="openai-compatible", AI_BASE_URL="http://x/v1"))
    ollama = build_model(AISettings(AI_PROVIDER="ollama"))
    assert ollama.model_name == "llama3.2" and "localhost:11434" in str(ollama.base_url)
    with pytest.raises(ValidationError, match="must start with http"):
        AISettings(AI_BASE_URL="localhost:8001")


@pytest.mark.parametrize("name", ["anthropic", "google", "groq", "mistral"])
def test_other_providers_build_or_say_which_extra_to_add(name: str, project: Project) -> None:
    key = SecretStr("k-123")
    settings = AISettings(AI_PROVIDER=name, ANTHROPIC_API_KEY=key, GOOGLE_API_KEY=key,
                          GROQ_API_KEY=key, MISTRAL_API_KEY=key)  # fmt: skip
    module = {"google": "google.genai", "mistral": "mistralai"}.get(name, name)
    installed = find_spec(module.split(".")[0]) is not None and find_spec(module) is not None
    if installed:
        assert build_model(settings).system in (name, "google-gla", "google")
        return
    with pytest.raises(NotConfigured) as failure:
        build_model(settings)
    assert str(failure.value) == f"the {name} SDK is not installed: uv add 'aegis-ai[{name}]'"


async def test_the_offline_model_never_passes_for_an_ai(project: Project) -> None:
    answer = await ChatService().chat("Are you GPT?")
    assert answer.provider == "offline" and answer.model == "offline"
    assert answer.response.startswith("[offline test model] No AI provider is configured")
