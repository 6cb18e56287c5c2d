"""FastAPI dependencies for protected routes:

    @router.get("/reports")
    def reports(user: User = Depends(get_current_active_user)) -> ...

`get_current_user` reads the `Authorization: Bearer …` access token, and answers 401 with
`WWW-Authenticate: Bearer` when it is missing, invalid, expired, or issued before the user's
last password change. `get_current_active_user` also refuses deactivated accounts (403);
`require_superuser` refuses everyone but superusers (403).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextvars import copy_context
from functools import lru_cache, partial
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordBearer
from sqlmodel import Session

from aegis_auth.models import User
from aegis_auth.tokens import InvalidToken, decode

if TYPE_CHECKING:
    from sqlalchemy import RowMapping, Select


def _token_url() -> str:
    from aegis_core.settings import CoreSettings

    return f"{CoreSettings().API_PREFIX.rstrip('/')}/auth/token"


def unauthorized(detail: str = "not authenticated") -> HTTPException:
    return HTTPException(
        status_code=status.HTTP_401_UNAUTHORIZED,
        detail=detail,
        headers={"WWW-Authenticate": "Bearer"},
    )


def get_db() -> Iterator[Session]:
    """One session per request on the project's database (committed by the service code)."""
    from aegis_database import db_session

    with db_session(autocommit=False) as session:
        yield session


DbSession = Annotated[Session, Depends(get_db)]


def user_of(token: str) -> User | None:
    """The user a valid access token belongs to, if it still may act (blocking: a query).

    None for an invalid or expired token, a deleted user, or a token issued before the
    user's last password change. One Core `SELECT` on a pooled connection, not an ORM session:
    every protected request pays it, so it is kept small (the statement is built once). The
    user is returned detached, as if loaded by a session that has closed: read it as it is,
    or `session.add(user)` in your own session to change it.
    """
    from aegis_database import get_engine

    try:
        claims = decode(token, "access")
    except InvalidToken:
        return None
    with get_engine().connect() as connection:
        row = connection.execute(_user_by_id(), {"user_id": claims.user_id}).first()
    if row is None or row.token_version != claims.version:
        return None
    return _detached_user(row._mapping)


@lru_cache(maxsize=1)
def _user_by_id() -> Select[Any]:
    """`SELECT <every column of users, labelled by attribute> WHERE id = :user_id`, built once
    (building it cost as much as running it). Includes columns a project added
    (`aegis_auth.columns`) before the first request."""
    from sqlalchemy import bindparam, select

    table = User.__table__  # type: ignore[attr-defined]
    columns = [
        prop.columns[0].label(prop.key)
        for prop in User.__mapper__.column_attrs  # type: ignore[attr-defined]
    ]
    return select(*columns).where(table.c.id == bindparam("user_id"))


def _detached_user(values: RowMapping) -> User:
    """A `User` from a row, the way the ORM's loader builds one: the database's own values go
    straight into the new instance's state as committed (not validated again, not recorded as
    changes), then the object gets the row's identity so a session can take it."""
    from sqlalchemy.orm import make_transient_to_detached
    from sqlalchemy.orm.attributes import instance_state

    user: User = User.__mapper__.class_manager.new_instance()  # type: ignore[attr-defined]
    instance_state(user).dict.update(values)
    make_transient_to_detached(user)
    return user


def _reads_never_wait() -> bool:
    from aegis_database import get_engine, reads_never_wait

    return reads_never_wait(get_engine())


_lookups = ThreadPoolExecutor(max_workers=8, thread_name_prefix="aegis-auth-lookup")
"""The user lookups' own threads (PostgreSQL): a hop to them costs ~50 µs less than to AnyIO's
pool (measured), and sync routes filling that pool cannot hold up authentication."""


class _BearerUser(OAuth2PasswordBearer):
    """The scheme /docs' "Authorize" button fills in, and the user its token belongs to.

    One dependency instead of a user dependency on top of a token dependency: every protected
    request resolves it, and each level of FastAPI's dependency solving has a measurable cost.
    Being the security scheme itself keeps the route's OpenAPI security requirement.
    """

    async def __call__(self, request: Request) -> User:  # type: ignore[override]
        """Async, so a protected route costs one lookup and at most one thread hop: none on
        SQLite, whose point read never waits and takes less time than the hop."""
        token = await super().__call__(request)
        if not token:
            raise unauthorized()
        if _reads_never_wait():
            user = user_of(token)
        else:
            lookup = partial(copy_context().run, user_of, token)  # logs keep the request id
            user = await asyncio.get_running_loop().run_in_executor(_lookups, lookup)
        if user is None:
            raise unauthorized("invalid or expired token")
        return user


get_current_user = _BearerUser(
    tokenUrl=_token_url(), scheme_name="OAuth2PasswordBearer", auto_error=False
)
"""Any valid access token's user (401 with `WWW-Authenticate: Bearer` otherwise); override it
in tests with `app.dependency_overrides[get_current_user]`."""


async def get_current_active_user(user: Annotated[User, Depends(get_current_user)]) -> User:
    if not user.is_active:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="this account is deactivated")
    return user


async def require_superuser(user: Annotated[User, Depends(get_current_active_user)]) -> User:
    if not user.is_superuser:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="superuser required")
    return user


CurrentUser = Annotated[User, Depends(get_current_active_user)]
Superuser = Annotated[User, Depends(require_superuser)]
