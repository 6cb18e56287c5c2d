"""Settings of the auth service (merged into the project's settings by aegis-core).

Every name starts with `AUTH_`; the one exception is the Redis URL, which falls back to the
project's `REDIS_URL` so that several server processes share one rate limit without a second
setting. With `ENVIRONMENT=production` a missing or placeholder `AUTH_SECRET_KEY` is a settings
error: the app does not start, rather than sign tokens anyone can forge.
"""

from __future__ import annotations

from aegis_core.settings import cached_settings
from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRET = "change-me-development-only-secret"
"""Signs tokens in development when no secret is set; refused in production."""
MIN_PRODUCTION_SECRET = 32
_PLACEHOLDERS = frozenset({"", "secret", "changeme", "change-me", "your-secret-key", "jwt-secret"})


class AuthSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    AUTH_SECRET_KEY: str = Field(default=PLACEHOLDER_SECRET, validate_default=True)
    """HMAC key of the tokens; make one with `python -c "import secrets;
    print(secrets.token_urlsafe(48))"`."""
    AUTH_ALGORITHM: str = "HS256"
    """JWT signing algorithm (HMAC: HS256, HS384 or HS512)."""
    AUTH_ISSUER: str = "aegis"
    """The `iss` claim written and required."""
    AUTH_AUDIENCE: str = "aegis-api"
    """The `aud` claim written and required."""
    AUTH_ACCESS_TOKEN_MINUTES: int = Field(default=15, ge=1, le=24 * 60)
    AUTH_REFRESH_TOKEN_DAYS: int = Field(default=14, ge=1, le=365)
    AUTH_PASSWORD_MIN_LENGTH: int = Field(default=8, ge=8, le=128)
    AUTH_LOGIN_LIMIT: int = Field(default=10, ge=1, le=10_000)
    """Login attempts per client IP, and per account, in one window."""
    AUTH_REGISTER_LIMIT: int = Field(default=5, ge=1, le=10_000)
    """Registrations per client IP in one window."""
    AUTH_REFRESH_LIMIT: int = Field(default=30, ge=1, le=10_000)
    """Token refreshes per client IP in one window."""
    AUTH_RATE_WINDOW_SECONDS: int = Field(default=60, ge=1, le=86_400)
    AUTH_RATE_LIMIT_PREFIX: str = Field(default="aegis:auth:rate", min_length=1, max_length=100)
    """Redis key prefix of the shared counters."""
    AUTH_REDIS_URL: str | None = Field(
        default=None, validation_alias=AliasChoices("AUTH_REDIS_URL", "REDIS_URL")
    )
    """Where limits are counted when several processes serve the app (default: REDIS_URL;
    unset means in-process counters)."""
    AUTH_PROTECT_OPERATOR_SURFACES: bool = True
    """Operator pages and APIs (detailed health, dashboard, worker enqueue) need a superuser."""

    @field_validator("AUTH_ALGORITHM")
    @classmethod
    def _hmac_only(cls, value: str) -> str:
        if value not in {"HS256", "HS384", "HS512"}:
            raise ValueError("use HS256, HS384 or HS512")
        return value

    @field_validator("AUTH_SECRET_KEY")
    @classmethod
    def _real_secret_in_production(cls, value: str) -> str:
        """A placeholder key in production would let anyone who read this file mint tokens."""
        from aegis_core.settings import CoreSettings

        if CoreSettings().ENVIRONMENT != "production":
            return value
        if is_placeholder(value) or len(value) < MIN_PRODUCTION_SECRET:
            raise ValueError(
                f"ENVIRONMENT=production needs a random secret of at least "
                f"{MIN_PRODUCTION_SECRET} characters; generate one with "
                '`python -c "import secrets; print(secrets.token_urlsafe(48))"`'
            )
        return value


def is_placeholder(secret: str) -> bool:
    """The shipped default, an empty value, or a well-known example key."""
    lowered = secret.strip().lower()
    return lowered in _PLACEHOLDERS or lowered.startswith("change-me")


get_settings = cached_settings(AuthSettings)
"""The auth settings, read once per process (every request with a token reads them)."""
