"""Sessions: `db_session()` for scripts, jobs and services; `get_async_session` for FastAPI.

Services in the user guides are written against an `AsyncSession` (`await self.db.commit()`) yet are
called inside a plain `with db_session() as session:`. `Session` below makes that pattern work:
its lifecycle methods (commit, rollback, flush, refresh, delete, close) run synchronously and
return an already-finished awaitable, so both `session.commit()` and `await session.commit()`
do the right thing. Queries stay synchronous (`session.exec(select(User)).all()`); code that
wants a real `AsyncSession` uses `async with async_db_session()` or `get_async_session`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Generator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Annotated, Any

import sqlmodel
from fastapi import Depends
from sqlmodel.ext.asyncio.session import AsyncSession

from aegis_database.engine import get_async_engine, get_engine


class Done:
    """The result of a finished operation: ignore it, or `await` it (it yields nothing)."""

    __slots__ = ()

    def __await__(self) -> Generator[None, None, None]:
        yield from ()  # an awaitable that finishes at once

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "Done"


DONE = Done()


class Session(sqlmodel.Session):
    """A SQLModel session whose lifecycle methods may also be awaited (see module doc)."""

    def commit(self) -> Done:  # type: ignore[override]
        super().commit()
        return DONE

    def rollback(self) -> Done:  # type: ignore[override]
        super().rollback()
        return DONE

    def flush(self, objects: Any = None) -> Done:  # type: ignore[override]
        super().flush(objects)
        return DONE

    def refresh(self, instance: object, *args: Any, **kwargs: Any) -> Done:  # type: ignore[override]
        super().refresh(instance, *args, **kwargs)
        return DONE

    def delete(self, instance: object) -> Done:  # type: ignore[override]
        super().delete(instance)
        return DONE

    def close(self) -> Done:  # type: ignore[override]
        super().close()
        return DONE


@contextmanager
def db_session(autocommit: bool = True) -> Iterator[Session]:
    """A session that commits when the block succeeds and rolls back when it raises.

    Objects stay usable after the block (`expire_on_commit=False`), so a route may return
    the user it just created.
    """
    session = Session(get_engine(), expire_on_commit=False)
    try:
        yield session
        if autocommit:
            session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@asynccontextmanager
async def async_db_session(autocommit: bool = True) -> AsyncIterator[AsyncSession]:
    """The async twin of `db_session()`: a real `AsyncSession` on the async engine."""
    session = AsyncSession(get_async_engine(), expire_on_commit=False)
    try:
        yield session
        if autocommit:
            await session.commit()
    except BaseException:
        await session.rollback()
        raise
    finally:
        await session.close()


async def get_async_session() -> AsyncIterator[AsyncSession]:
    """FastAPI dependency: one `AsyncSession` per request, rolled back if the route raises.

    It does not commit for you: a route (or its service) commits what it means to keep, so a
    failed commit is an error response rather than a 200 for data that was never saved.
    """
    async with async_db_session(autocommit=False) as session:
        yield session


def get_session() -> Iterator[Session]:
    """FastAPI dependency for sync routes; like `get_async_session`, commit explicitly."""
    with db_session(autocommit=False) as session:
        yield session


AsyncSessionDep = Annotated[AsyncSession, Depends(get_async_session)]
SessionDep = Annotated[Session, Depends(get_session)]
