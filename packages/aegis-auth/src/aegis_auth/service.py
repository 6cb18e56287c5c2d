"""What the routes and the CLI do with users and tokens, on a plain SQLModel session.

Every function commits what it changes, including on the way to an error (a refresh token
presented twice revokes its family *and* is refused), so callers never half-apply a step.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, func, select

from aegis_auth import passwords, tokens
from aegis_auth.models import LoginEvent, RefreshToken, TokenPair, User, aware, utcnow
from aegis_auth.settings import get_settings

logger = logging.getLogger("aegis.auth")


class AuthError(Exception):
    """A refused operation; the message is safe to show the user."""


class UserExists(AuthError):
    pass


class WeakPassword(AuthError):
    pass


class Inactive(AuthError):
    pass


def check_password_rules(password: str) -> None:
    minimum = get_settings().AUTH_PASSWORD_MIN_LENGTH
    if len(password) < minimum:
        raise WeakPassword(f"password too short: use at least {minimum} characters")


def find_user(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == email.strip().lower())).first()


def create_user(
    session: Session,
    email: str,
    password: str,
    *,
    full_name: str | None = None,
    is_superuser: bool = False,
) -> User:
    """A new active user; `email` must already be normalised (`models.normalise_email`)."""
    check_password_rules(password)
    if find_user(session, email) is not None:
        raise UserExists(f"a user with email {email} already exists")
    user = User(
        email=email,
        hashed_password=passwords.hash_password(password),
        full_name=full_name,
        is_superuser=is_superuser,
    )
    session.add(user)
    session.commit()
    session.refresh(user)
    logger.info("user %s created", user.id)
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The user when the password matches, else None; as slow for an unknown email as for a
    wrong password. Old bcrypt hashes are replaced by Argon2 here."""
    user = find_user(session, email)
    if user is None:
        passwords.verify_dummy(password)
        _record_login(session, None, succeeded=False)
        return None
    matches, new_hash = passwords.verify_password(password, user.hashed_password)
    if not matches:
        _record_login(session, user.id, succeeded=False)
        return None
    if not user.is_active:
        _record_login(session, user.id, succeeded=False)
        raise Inactive("this account is deactivated")
    if new_hash is not None:
        user.hashed_password = new_hash
    user.last_login_at = utcnow()
    session.add(user)
    _record_login(session, user.id, succeeded=True)
    return user


def _record_login(session: Session, user_id: int | None, *, succeeded: bool) -> None:
    session.add(LoginEvent(user_id=user_id, succeeded=succeeded))
    session.commit()


def issue_pair(session: Session, user: User, family: str | None = None) -> TokenPair:
    """A new access token and a new refresh token (stored, in `family` or a new one)."""
    assert user.id is not None
    settings = get_settings()
    family = family or tokens.new_id()
    access, _ = tokens.encode(user.id, "access", version=user.token_version, settings=settings)
    refresh, claims = tokens.encode(user.id, "refresh", family=family, settings=settings)
    session.add(
        RefreshToken(
            jti=claims.jti, family_id=family, user_id=user.id, expires_at=claims.expires_at
        )
    )
    session.commit()
    return TokenPair(
        access_token=access,
        refresh_token=refresh,
        expires_in=settings.AUTH_ACCESS_TOKEN_MINUTES * 60,
    )


def rotate(session: Session, refresh_token: str) -> TokenPair:
    """Trade a refresh token for a new pair. A token is good once: presenting it again (a
    stolen copy, or the thief's use before the owner's) revokes every token of its family."""
    claims = tokens.decode(refresh_token, "refresh")
    now = utcnow()
    used = session.exec(
        update(RefreshToken)
        .where(col(RefreshToken.jti) == claims.jti)
        .where(col(RefreshToken.used_at).is_(None))
        .where(col(RefreshToken.revoked_at).is_(None))
        .values(used_at=now)
    )
    session.commit()
    if used.rowcount != 1:
        row = session.get(RefreshToken, claims.jti)
        if row is not None:
            revoke_family(session, row.family_id)
            logger.warning("refresh token reused: family of user %s revoked", row.user_id)
        raise tokens.InvalidToken("refresh token already used or revoked")
    user = session.get(User, claims.user_id)
    if user is None or not user.is_active:
        raise tokens.InvalidToken("user gone or inactive")
    return issue_pair(session, user, family=claims.family)


def revoke_family(session: Session, family: str) -> None:
    session.exec(
        update(RefreshToken)
        .where(col(RefreshToken.family_id) == family)
        .where(col(RefreshToken.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )
    session.commit()


def logout(session: Session, refresh_token: str, user: User) -> None:
    """End the session (the refresh token's family) of `user`; someone else's token is refused."""
    claims = tokens.decode(refresh_token, "refresh")
    row = session.get(RefreshToken, claims.jti)
    if row is None or row.user_id != user.id:
        raise tokens.InvalidToken("refresh token of another user")
    revoke_family(session, row.family_id)


def end_all_sessions(session: Session, user: User) -> None:
    """Every refresh token revoked and every access token already issued refused."""
    user.token_version += 1
    session.add(user)
    session.exec(
        update(RefreshToken)
        .where(col(RefreshToken.user_id) == user.id)
        .where(col(RefreshToken.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )
    session.commit()


def set_password(session: Session, user: User, new_password: str) -> None:
    check_password_rules(new_password)
    user.hashed_password = passwords.hash_password(new_password)
    end_all_sessions(session, user)


def change_password(session: Session, user: User, current: str, new: str) -> TokenPair:
    """Change one's own password: other sessions end, this one gets a fresh pair."""
    matches, _ = passwords.verify_password(current, user.hashed_password)
    if not matches:
        raise AuthError("current password is wrong")
    set_password(session, user, new)
    return issue_pair(session, user)


def count_logins(session: Session, since: datetime) -> tuple[int, int]:
    """(successful, failed) login attempts since `since`."""
    rows = session.exec(
        select(LoginEvent.succeeded, func.count())
        .where(col(LoginEvent.created_at) >= since)
        .group_by(col(LoginEvent.succeeded))
    ).all()
    counts = {bool(ok): int(n) for ok, n in rows}
    return counts.get(True, 0), counts.get(False, 0)


def is_expired(row: RefreshToken) -> bool:
    return aware(row.expires_at) <= utcnow()
