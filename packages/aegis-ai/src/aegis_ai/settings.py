"""Settings of the ai service (merged into the project's settings by aegis-core).

Keys keep the names their providers use (`OPENAI_API_KEY`, …), so a `.env` written for the
provider's own SDK works unchanged. They are `SecretStr`: never printed, logged or returned.
"""

from __future__ import annotations

from typing import Literal

from aegis_core.settings import cached_settings
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ProviderName = Literal[
    "", "openai", "anthropic", "google", "groq", "mistral", "ollama", "openai-compatible"
]


class AISettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    AI_PROVIDER: ProviderName = ""
    """Empty: the offline test model (no network, no key). Otherwise one of the providers;
    `openai-compatible` is any server speaking OpenAI's chat API at `AI_BASE_URL` (vLLM,
    llama.cpp, LM Studio, OpenRouter)."""
    AI_MODEL: str = ""
    """Model name at the provider; empty picks the provider's default (see `ai providers`)."""
    AI_BASE_URL: str = ""
    """Server URL for `openai-compatible` and `ollama` (default http://localhost:11434/v1),
    or a proxy in front of `openai`."""
    AI_API_KEY: SecretStr = SecretStr("")
    """Key for an `openai-compatible` server that needs one (most local servers do not)."""
    OPENAI_API_KEY: SecretStr = SecretStr("")
    ANTHROPIC_API_KEY: SecretStr = SecretStr("")
    GOOGLE_API_KEY: SecretStr = SecretStr("")
    GEMINI_API_KEY: SecretStr = SecretStr("")
    GROQ_API_KEY: SecretStr = SecretStr("")
    MISTRAL_API_KEY: SecretStr = SecretStr("")
    AI_TIMEOUT_SECONDS: float = Field(default=60.0, gt=0, le=600)
    """Longest a whole answer may take (every retry included); then 504."""
    AI_MAX_RETRIES: int = Field(default=2, ge=0, le=10)
    """Retries of the provider's SDK (with backoff, honouring the provider's Retry-After)."""
    AI_MAX_MESSAGE_CHARS: int = Field(default=8000, ge=1, le=200_000)
    """Longest message accepted from a user (longer ones are a 422, never sent)."""
    AI_MAX_HISTORY_MESSAGES: int = Field(default=40, ge=0, le=1000)
    """How many earlier messages of a conversation go to the model with a follow-up."""
    AI_STORE: Literal["auto", "memory", "database"] = "auto"
    """Where conversations live: `auto` = the database when aegis-database is installed,
    else memory (lost at restart)."""
    AI_MEMORY_MAX_CONVERSATIONS: int = Field(default=1000, ge=1, le=1_000_000)
    """The in-memory store forgets its least recently used conversation past this count."""

    @field_validator("AI_BASE_URL")
    @classmethod
    def _http_url(cls, value: str) -> str:
        """A typo here is a one-line settings error at startup, not a connection error later."""
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://, e.g. http://localhost:8001/v1")
        return value.rstrip("/")


get_settings = cached_settings(AISettings)
"""The AI settings, read once per process (every chat reads them)."""
