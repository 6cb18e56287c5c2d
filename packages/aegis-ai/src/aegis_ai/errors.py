"""Provider and store failures as answers a person can act on: 502, 503 or 504, one line.

502: the provider answered, but not usefully (bad key, unknown model, malformed reply).
503: nothing usable right now (not configured, unreachable, rate limited, store down).
504: no answer in time (AI_TIMEOUT_SECONDS, or the provider's own timeout).
Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic_ai import exceptions as px

from aegis_ai.providers import NotConfigured
from aegis_ai.store import StoreError

PROVIDER_TIMEOUT = (px.ModelTimeoutError, px.ModelRequestTimeout, px.RunTimedOut, TimeoutError)


@dataclass
class ChatFailure(Exception):
    status: int
    message: str
    retry_after: float | None = None

    def __str__(self) -> str:
        return self.message


def classify(exc: BaseException, provider: str, key_env: str = "") -> ChatFailure | None:
    """The failure `exc` stands for, or None when it is not a provider/store failure."""
    if isinstance(exc, ChatFailure):
        return exc
    if isinstance(exc, NotConfigured | StoreError):
        return ChatFailure(503, str(exc))
    if isinstance(exc, PROVIDER_TIMEOUT):
        return ChatFailure(
            504, f"{provider} did not answer in time; try again or raise AI_TIMEOUT_SECONDS"
        )
    if not isinstance(exc, px.AgentRunError):
        return None
    return _provider_failure(exc, provider, key_env)


def _provider_failure(exc: px.AgentRunError, provider: str, key_env: str) -> ChatFailure:
    retry_after = getattr(exc, "retry_after", None)
    if isinstance(exc, px.ModelAuthenticationError):
        where = f"check {key_env}" if key_env else "check the server's key"
        return ChatFailure(502, f"{provider} rejected the API key: {where}")
    if isinstance(exc, px.ModelNotFoundError):
        return ChatFailure(502, f"{provider} does not know model {exc.model_name!r}: set AI_MODEL")
    if isinstance(exc, px.ModelContextWindowExceededError):
        return ChatFailure(502, "the conversation is too long for the model: start a new one")
    if isinstance(exc, px.ModelRateLimitError | px.ModelQuotaExceededError):
        return ChatFailure(
            503, f"{provider} is rate limiting requests; try again later", retry_after
        )
    if isinstance(exc, px.ModelConnectionError):
        return ChatFailure(503, f"cannot reach {provider}: {_first_line(exc)}")
    if isinstance(exc, px.ModelUnavailableError):
        return ChatFailure(
            503, f"{provider} is unavailable right now; try again later", retry_after
        )
    if isinstance(exc, px.UnexpectedModelBehavior):
        return ChatFailure(
            502, f"{provider} sent a reply that could not be read: {_first_line(exc)}"
        )
    if isinstance(exc, px.ModelHTTPError):
        return ChatFailure(502, f"{provider} answered HTTP {exc.status_code}: {_detail(exc)}")
    return ChatFailure(502, f"{provider} failed: {_first_line(exc)}")


def _detail(exc: px.ModelHTTPError) -> str:
    """The provider's own error message when its body has one (OpenAI-style or plain)."""
    body = exc.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        message = inner.get("message") if isinstance(inner, dict) else None
        if isinstance(message, str):
            return message[:200]
    return "no details"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    line = text[0] if text else type(exc).__name__
    return line if len(line) <= 200 else line[:199] + "…"
