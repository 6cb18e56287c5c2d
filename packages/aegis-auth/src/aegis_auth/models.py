"""The tables of the auth service and the shapes its API reads and writes.

Tables (created by the package's own migrations, alembic branch `auth`):
- `users`: one row per account; `token_version` grows when the password changes, which ends
  every access token issued before;
- `auth_refresh_tokens`: one row per refresh token issued, grouped in families (one login);
  a token is used once, and presenting a used one revokes its whole family;
- `auth_login_events`: one row per login attempt (no email, no password), for health figures.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, EmailStr, field_validator
from pydantic import Field as PydanticField
from sqlmodel import Field, SQLModel

EMAIL_MAX = 320
NAME_MAX = 200
PASSWORD_MAX = 128
"""Upper bound on a password (Argon2 would hash megabytes, which is a cheap denial of service)."""


def utcnow() -> datetime:
    return datetime.now(UTC)


def aware(moment: datetime) -> datetime:
    """SQLite returns naive datetimes: every stored one is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _timestamp(*, nullable: bool = False, index: bool = False) -> sa.Column[datetime]:
    return sa.Column(sa.DateTime(timezone=True), nullable=nullable, index=index)


class User(SQLModel, table=True):
    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=EMAIL_MAX, unique=True, index=True)
    hashed_password: str = Field(max_length=512)
    full_name: str | None = Field(default=None, max_length=NAME_MAX)
    is_active: bool = Field(default=True)
    is_superuser: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())
    last_login_at: datetime | None = Field(default=None, sa_column=_timestamp(nullable=True))
    token_version: int = Field(default=0)


class RefreshToken(SQLModel, table=True):
    __tablename__ = "auth_refresh_tokens"

    jti: str = Field(primary_key=True, max_length=64)
    family_id: str = Field(max_length=64, index=True)
    user_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    created_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())
    expires_at: datetime = Field(sa_column=_timestamp())
    used_at: datetime | None = Field(default=None, sa_column=_timestamp(nullable=True))
    revoked_at: datetime | None = Field(default=None, sa_column=_timestamp(nullable=True))


class LoginEvent(SQLModel, table=True):
    __tablename__ = "auth_login_events"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int | None = Field(
        default=None,
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True
        ),
    )
    succeeded: bool
    created_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp(index=True))


def normalise_email(value: str) -> str:
    """One spelling per address: the unique index must not see `A@x.io` and `a@x.io` as two."""
    from email_validator import validate_email

    checked = validate_email(value.strip(), check_deliverability=False)
    return checked.normalized.lower()


class Credentials(BaseModel):
    """`POST /auth/login` body; the email is only trimmed and lower-cased (never validated
    harder than the register route, so a bad shape answers like a wrong password)."""

    model_config = ConfigDict(extra="forbid")

    email: str = PydanticField(min_length=1, max_length=EMAIL_MAX)
    password: str = PydanticField(min_length=1, max_length=PASSWORD_MAX)

    @field_validator("email")
    @classmethod
    def _lower(cls, value: str) -> str:
        return value.strip().lower()


class UserCreate(BaseModel):
    """`POST /auth/register` body."""

    model_config = ConfigDict(extra="forbid")

    email: EmailStr = PydanticField(max_length=EMAIL_MAX)
    password: str = PydanticField(min_length=1, max_length=PASSWORD_MAX)
    full_name: str | None = PydanticField(default=None, max_length=NAME_MAX)

    @field_validator("email")
    @classmethod
    def _normalised(cls, value: str) -> str:
        return normalise_email(value)


class UserRead(BaseModel):
    """What the API returns about a user: never the hash."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    full_name: str | None
    is_active: bool
    is_superuser: bool
    created_at: datetime
    last_login_at: datetime | None

    @field_validator("created_at", "last_login_at")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        return aware(value) if value is not None else None


class TokenPair(BaseModel):
    """Login, refresh and password-change answer (the OAuth2 token response shape)."""

    access_token: str
    refresh_token: str
    token_type: str = "bearer"
    expires_in: int


class RefreshRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    refresh_token: str = PydanticField(min_length=1, max_length=4096)


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    current_password: str = PydanticField(min_length=1, max_length=PASSWORD_MAX)
    new_password: str = PydanticField(min_length=1, max_length=PASSWORD_MAX)
