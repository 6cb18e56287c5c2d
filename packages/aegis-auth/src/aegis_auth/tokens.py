"""JWTs with PyJWT: short-lived access tokens and rotating refresh tokens.

Both carry `sub` (the user id), `iat`, `exp`, `iss`, `aud`, `jti` and `typ` (`access` or
`refresh`), and every one of those is required when a token is read: a token lacking one, with
another audience or issuer, signed with another key or another algorithm (`alg: none`
included), or expired, is refused the same way. Access tokens also carry `ver`, the user's
`token_version`, so a password change ends the sessions that were open.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

import jwt

from aegis_auth.models import utcnow
from aegis_auth.settings import AuthSettings, get_settings

TokenType = Literal["access", "refresh"]
REQUIRED_CLAIMS = ["sub", "iat", "exp", "iss", "aud", "jti", "typ"]


class InvalidToken(Exception):
    """Any reason a token cannot be used; the message is for logs, never for the client."""


@dataclass(frozen=True)
class Claims:
    user_id: int
    jti: str
    token_type: TokenType
    expires_at: datetime
    version: int = 0
    family: str = ""


def new_id() -> str:
    return secrets.token_urlsafe(24)


def encode(
    user_id: int,
    token_type: TokenType,
    *,
    version: int = 0,
    family: str = "",
    settings: AuthSettings | None = None,
) -> tuple[str, Claims]:
    """A signed token and what it says (the caller stores refresh tokens' `jti`)."""
    settings = settings or get_settings()
    now = utcnow()
    lifetime = (
        timedelta(minutes=settings.AUTH_ACCESS_TOKEN_MINUTES)
        if token_type == "access"
        else timedelta(days=settings.AUTH_REFRESH_TOKEN_DAYS)
    )
    claims = Claims(user_id, new_id(), token_type, now + lifetime, version, family)
    payload: dict[str, Any] = {
        "sub": str(user_id),
        "iat": now,
        "exp": claims.expires_at,
        "iss": settings.AUTH_ISSUER,
        "aud": settings.AUTH_AUDIENCE,
        "jti": claims.jti,
        "typ": token_type,
    }
    if token_type == "access":
        payload["ver"] = version
    else:
        payload["fam"] = family
    token = jwt.encode(payload, settings.AUTH_SECRET_KEY, algorithm=settings.AUTH_ALGORITHM)
    return token, claims


def decode(token: str, expected: TokenType, settings: AuthSettings | None = None) -> Claims:
    """The claims of a valid token of the `expected` type; `InvalidToken` otherwise."""
    settings = settings or get_settings()
    try:
        payload = jwt.decode(
            token,
            settings.AUTH_SECRET_KEY,
            algorithms=[settings.AUTH_ALGORITHM],
            audience=settings.AUTH_AUDIENCE,
            issuer=settings.AUTH_ISSUER,
            options={"require": REQUIRED_CLAIMS},
        )
    except jwt.PyJWTError as exc:
        raise InvalidToken(type(exc).__name__) from None
    if payload.get("typ") != expected:
        raise InvalidToken(f"not an {expected} token")
    try:
        return Claims(
            user_id=int(payload["sub"]),
            jti=str(payload["jti"]),
            token_type=expected,
            expires_at=datetime.fromtimestamp(int(payload["exp"]), tz=utcnow().tzinfo),
            version=int(payload.get("ver", 0)),
            family=str(payload.get("fam", "")),
        )
    except (TypeError, ValueError):
        raise InvalidToken("malformed claims") from None
