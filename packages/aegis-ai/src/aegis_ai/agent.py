"""The PydanticAI agent: the configured model plus the project's system prompt and tools.

The project's `app/services/ai.py` (optional) gives `SYSTEM_PROMPT` and `TOOLS` (plain
functions, typed, with a docstring the model reads). Built once per process and settings.
"""

from __future__ import annotations

from collections.abc import Callable
from hashlib import sha256
from typing import Any

from aegis_core.project import import_optional, project_package
from pydantic_ai import Agent

from aegis_ai.providers import NotConfigured, api_key, build_model
from aegis_ai.settings import AISettings, get_settings

STUB = "services.ai"
DEFAULT_PROMPT = "You are a helpful assistant. Answer concisely, in Markdown when it helps."


def project_hooks() -> tuple[str, list[Callable[..., Any]]]:
    """SYSTEM_PROMPT and TOOLS from the project's stub, checked (it is the user's code)."""
    where = f"{project_package()}.{STUB}"
    module = import_optional(where)
    if module is None:
        return DEFAULT_PROMPT, []
    prompt = getattr(module, "SYSTEM_PROMPT", DEFAULT_PROMPT)
    tools = getattr(module, "TOOLS", [])
    if not isinstance(prompt, str):
        raise NotConfigured(f"{where}.SYSTEM_PROMPT must be a string")
    if not isinstance(tools, list | tuple) or not all(callable(t) for t in tools):
        raise NotConfigured(f"{where}.TOOLS must be a list of functions")
    return prompt, list(tools)


_agents: dict[str, Agent[None, str]] = {}


def get_agent(settings: AISettings | None = None) -> Agent[None, str]:
    settings = settings or get_settings()
    # Secrets dump as "**********": the key's digest tells two keys apart without keeping it.
    key = settings.model_dump_json() + sha256(api_key(settings).encode()).hexdigest()
    if key not in _agents:
        prompt, tools = project_hooks()
        _agents[key] = Agent(build_model(settings), instructions=prompt, tools=tools)
    return _agents[key]


def reset() -> None:
    """Forget cached settings and agents (tests that change the environment)."""
    get_settings.cache_clear()
    _agents.clear()
