"""From settings to a PydanticAI model: which providers exist, their keys and defaults.

Building a model never calls the provider; a missing key or SDK is a `NotConfigured` with the
line that fixes it, so the API answers 503 and the CLI one line instead of a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from aegis_ai.settings import AISettings

if TYPE_CHECKING:
    from pydantic_ai.models import Model

OFFLINE = "offline"
OLLAMA_URL = "http://localhost:11434/v1"


class NotConfigured(RuntimeError):
    """The chosen provider cannot be used as configured; the message says what to set."""


@dataclass(frozen=True)
class Provider:
    name: str
    key_env: str
    """Where its API key is read from (empty: no key needed)."""
    default_model: str
    extra: str
    """`aegis-ai[<extra>]` installs its SDK (empty: always installed)."""
    needs_key: bool = True


PROVIDERS: dict[str, Provider] = {
    p.name: p
    for p in (
        Provider("openai", "OPENAI_API_KEY", "gpt-4o-mini", ""),
        Provider("anthropic", "ANTHROPIC_API_KEY", "claude-3-5-haiku-latest", "anthropic"),
        Provider("google", "GOOGLE_API_KEY", "gemini-2.0-flash", "google"),
        Provider("groq", "GROQ_API_KEY", "llama-3.3-70b-versatile", "groq"),
        Provider("mistral", "MISTRAL_API_KEY", "mistral-small-latest", "mistral"),
        Provider("ollama", "", "llama3.2", "", needs_key=False),
        Provider("openai-compatible", "AI_API_KEY", "", "", needs_key=False),
    )
}


def provider_name(settings: AISettings) -> str:
    return settings.AI_PROVIDER or OFFLINE


def model_name(settings: AISettings) -> str:
    if not settings.AI_PROVIDER:
        return OFFLINE
    return settings.AI_MODEL or PROVIDERS[settings.AI_PROVIDER].default_model


def api_key(settings: AISettings) -> str:
    """The provider's key ('' when none); Gemini's own variable name is accepted for google."""
    provider = PROVIDERS.get(settings.AI_PROVIDER)
    if provider is None or not provider.key_env:
        return ""
    key = getattr(settings, provider.key_env).get_secret_value()
    if not key and provider.name == "google":
        key = settings.GEMINI_API_KEY.get_secret_value()
    return str(key)


def build_model(settings: AISettings) -> Model:
    """The model the agent talks to; the offline test model when no provider is set."""
    if not settings.AI_PROVIDER:
        from aegis_ai.offline import offline_model

        return offline_model()
    provider = PROVIDERS[settings.AI_PROVIDER]
    key, model = api_key(settings), model_name(settings)
    if provider.needs_key and not key:
        raise NotConfigured(f"AI_PROVIDER={provider.name} needs {provider.key_env} in .env")
    if not model:
        raise NotConfigured(f"AI_PROVIDER={provider.name} needs AI_MODEL (the server's model name)")
    try:
        return _build(provider, model, key, settings)
    except ImportError:
        raise NotConfigured(
            f"the {provider.name} SDK is not installed: uv add 'aegis-ai[{provider.extra}]'"
        ) from None


def _build(provider: Provider, model: str, key: str, settings: AISettings) -> Model:
    name = provider.name
    if name in ("openai", "ollama", "openai-compatible"):
        return _openai_like(name, model, key, settings)
    if name == "anthropic":
        from pydantic_ai.models.anthropic import AnthropicModel
        from pydantic_ai.providers.anthropic import AnthropicProvider

        return AnthropicModel(model, provider=AnthropicProvider(api_key=key))
    if name == "google":
        from pydantic_ai.models.google import GoogleModel
        from pydantic_ai.providers.google import GoogleProvider

        return GoogleModel(model, provider=GoogleProvider(api_key=key))
    if name == "groq":
        from pydantic_ai.models.groq import GroqModel
        from pydantic_ai.providers.groq import GroqProvider

        return GroqModel(model, provider=GroqProvider(api_key=key))
    from pydantic_ai.models.mistral import MistralModel
    from pydantic_ai.providers.mistral import MistralProvider

    return MistralModel(model, provider=MistralProvider(api_key=key))


def _openai_like(name: str, model: str, key: str, settings: AISettings) -> Model:
    """OpenAI itself, Ollama and any OpenAI-compatible server share one client."""
    from pydantic_ai.models.openai import OpenAIChatModel
    from pydantic_ai.providers.openai import OpenAIProvider

    base_url = settings.AI_BASE_URL or (OLLAMA_URL if name == "ollama" else None)
    if name == "openai-compatible" and not base_url:
        raise NotConfigured(
            "AI_PROVIDER=openai-compatible needs AI_BASE_URL (the server's /v1 URL)"
        )
    # Local servers ignore the key, but the OpenAI client refuses to start without one.
    client_key = key or ("unused" if name != "openai" else "")
    return OpenAIChatModel(model, provider=OpenAIProvider(base_url=base_url, api_key=client_key))


def describe(settings: AISettings) -> list[dict[str, object]]:
    """What `GET /ai/providers` and `ai providers` show: keys present or not, never their values."""
    current = settings.AI_PROVIDER
    rows: list[dict[str, object]] = [
        {
            "name": OFFLINE,
            "active": not current,
            "default_model": OFFLINE,
            "key_env": "",
            "key_present": False,
            "installed": True,
        }
    ]
    for provider in PROVIDERS.values():
        probe = settings.model_copy(update={"AI_PROVIDER": provider.name})
        rows.append(
            {
                "name": provider.name,
                "active": provider.name == current,
                "default_model": provider.default_model,
                "key_env": provider.key_env,
                "key_present": bool(api_key(probe)),
                "installed": sdk_installed(provider),
            }
        )
    return rows


def sdk_installed(provider: Provider) -> bool:
    from importlib.util import find_spec

    module = {
        "anthropic": "anthropic",
        "google": "google.genai",
        "groq": "groq",
        "mistral": "mistralai",
    }.get(provider.extra, "openai")
    try:
        return find_spec(module) is not None
    except ModuleNotFoundError:
        return False
