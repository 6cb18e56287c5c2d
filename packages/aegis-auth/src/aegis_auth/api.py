"""The auth routes, mounted under the project's API prefix (`/api/auth/...`).

Login answers the same 401 for an unknown email and for a wrong password (the unknown case
verifies a dummy hash, so the time is comparable too). Login, register and refresh are
rate-limited per client IP and per account; over the limit they answer 429 with Retry-After.
"""

from __future__ import annotations

import contextlib
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, Response, status
from fastapi.security import OAuth2PasswordRequestForm

from aegis_auth import ratelimit, service
from aegis_auth.deps import CurrentUser, DbSession, unauthorized
from aegis_auth.models import (
    Credentials,
    PasswordChange,
    RefreshRequest,
    TokenPair,
    User,
    UserCreate,
    UserRead,
)
from aegis_auth.tokens import InvalidToken, decode

router = APIRouter(prefix="/auth", tags=["auth"])
WRONG_CREDENTIALS = "incorrect email or password"


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _limit(action: str, keys: dict[str, str]) -> None:
    try:
        ratelimit.limit(action, keys)
    except ratelimit.RateLimited as exc:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            detail=f"too many attempts: retry in {exc.retry_after} s",
            headers={"Retry-After": str(exc.retry_after)},
        ) from None


@router.post("/register", status_code=status.HTTP_201_CREATED, response_model=UserRead)
def register(body: UserCreate, request: Request, session: DbSession) -> UserRead:
    """Create an account (active, not a superuser)."""
    _limit("register", {"ip": _client(request)})
    try:
        user = service.create_user(session, body.email, body.password, full_name=body.full_name)
    except service.UserExists as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=str(exc)) from None
    except service.WeakPassword as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(exc)) from None
    return UserRead.model_validate(user)


def _login(session: DbSession, request: Request, email: str, password: str) -> TokenPair:
    email = email.strip().lower()
    _limit("login", {"ip": _client(request), "account": ratelimit.account_key(email)})
    try:
        user = service.authenticate(session, email, password)
    except service.Inactive as exc:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail=str(exc)) from None
    if user is None:
        raise unauthorized(WRONG_CREDENTIALS)
    return service.issue_pair(session, user)


@router.post("/login", response_model=TokenPair)
def login(body: Credentials, request: Request, session: DbSession) -> TokenPair:
    """JSON login: `{"email": …, "password": …}` → access and refresh tokens."""
    return _login(session, request, body.email, body.password)


@router.post("/token", response_model=TokenPair)
def token(
    form: Annotated[OAuth2PasswordRequestForm, Depends()], request: Request, session: DbSession
) -> TokenPair:
    """OAuth2 password form (`username` is the email): what /docs' Authorize button sends."""
    if len(form.username) > 320 or len(form.password) > 128:
        raise unauthorized(WRONG_CREDENTIALS)
    return _login(session, request, form.username, form.password)


@router.get("/me", response_model=UserRead)
async def me(user: CurrentUser) -> Response:
    """The user the access token belongs to.

    Serialized once, here: returned as a model, FastAPI would validate it again against the
    response model, and every authenticated client polls this route."""
    body = UserRead.model_validate(user).model_dump_json()
    return Response(body, media_type="application/json")


@router.post("/refresh", response_model=TokenPair)
def refresh(body: RefreshRequest, request: Request, session: DbSession) -> TokenPair:
    """A new pair for a refresh token; each refresh token works once (reuse ends the session)."""
    keys = {"ip": _client(request)}
    with contextlib.suppress(InvalidToken):  # a bad token is refused below, after counting
        keys["account"] = str(decode(body.refresh_token, "refresh").user_id)
    _limit("refresh", keys)
    try:
        return service.rotate(session, body.refresh_token)
    except InvalidToken:
        raise unauthorized("invalid, expired or already used refresh token") from None


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(body: RefreshRequest, user: CurrentUser, session: DbSession) -> Response:
    """End this session: its refresh token (and the ones rotated from it) stop working."""
    try:
        service.logout(session, body.refresh_token, user)
    except InvalidToken:
        raise unauthorized("invalid refresh token") from None
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/password", response_model=TokenPair)
def change_password(body: PasswordChange, user: CurrentUser, session: DbSession) -> TokenPair:
    """Change your password; every other session ends, this one gets new tokens."""
    stored = session.get(User, user.id)
    if stored is None:
        raise unauthorized("invalid or expired token")
    try:
        return service.change_password(session, stored, body.current_password, body.new_password)
    except service.WeakPassword as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(exc)) from None
    except service.AuthError as exc:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, detail=str(exc)) from None
