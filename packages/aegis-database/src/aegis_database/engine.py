"""One sync and one async engine per process, built from `DATABASE_URL`.

Engines own connection pools, so they are created once and shared; `dispose_engines()` closes
them (app shutdown, tests that switch databases).
"""

from __future__ import annotations

import math
import threading
import weakref
from typing import TYPE_CHECKING, Any

from sqlalchemy import event
from sqlalchemy.engine import URL, Engine, create_engine
from sqlalchemy.pool import NullPool

from aegis_database.settings import DatabaseSettings, get_settings
from aegis_database.urls import async_url, sqlite_path, sync_url

if TYPE_CHECKING:  # the async extension pulls in the ORM and greenlet (~5 MB): on first use
    from sqlalchemy.ext.asyncio import AsyncEngine

_lock = threading.Lock()
_sync: dict[str, Engine] = {}
_sync_by_raw: dict[str, Engine] = {}
"""The same engines, by the URL as written (a cheaper lookup than parsing it again)."""
_async: dict[str, AsyncEngine] = {}
_unpooled: dict[tuple[str, float, bool], Engine] = {}
_never_wait: weakref.WeakSet[Engine] = weakref.WeakSet()
"""Engines whose short reads never wait on a lock or a network (see `reads_never_wait`)."""


def get_engine(url: str | None = None) -> Engine:
    """The process-wide sync engine for `url` (default: `DATABASE_URL`).

    Called on every request that touches the database: the engine is looked up by the URL as
    written first, since parsing it again took as long as the query on SQLite."""
    settings = get_settings()
    raw = url or settings.DATABASE_URL
    engine = _sync_by_raw.get(raw)
    if engine is not None:
        return engine
    target = sync_url(raw)
    key = target.render_as_string(hide_password=False)
    with _lock:
        if key not in _sync:
            _sync[key] = build_engine(target, settings)
        _sync_by_raw[raw] = _sync[key]
        return _sync[key]


def get_async_engine(url: str | None = None) -> AsyncEngine:
    """The process-wide async engine for `url` (default: `DATABASE_URL`)."""
    settings = get_settings()
    target = async_url(url or settings.DATABASE_URL)
    key = target.render_as_string(hide_password=False)
    with _lock:
        if key not in _async:
            _async[key] = build_async_engine(target, settings)
        return _async[key]


def get_unpooled_engine(url: URL, settings: DatabaseSettings) -> Engine:
    """The process-wide engine for `url` that opens a new connection for every use.

    Health checks use it, so a starved pool cannot make them lie; it is kept rather than built
    for every run, because building one (and detecting the server's version on its first
    connect) cost more than the check itself."""
    key = (
        url.render_as_string(hide_password=False),
        settings.DATABASE_CONNECT_TIMEOUT,
        settings.DATABASE_ECHO,
    )
    with _lock:
        if key not in _unpooled:
            _unpooled[key] = build_engine(url, settings, pooled=False)
        return _unpooled[key]


def build_engine(url: URL, settings: DatabaseSettings, *, pooled: bool = True) -> Engine:
    """A new sync engine with our connect timeout and SQLite fixes (callers own it)."""
    prepare_sqlite_folder(url)
    options: dict[str, Any] = {"echo": settings.DATABASE_ECHO, **_pool_options(url, pooled)}
    engine = create_engine(url, connect_args=connect_args(url, settings), **options)
    _configure_sqlite(engine, settings)
    return engine


def build_async_engine(url: URL, settings: DatabaseSettings) -> AsyncEngine:
    from sqlalchemy.ext.asyncio import create_async_engine

    prepare_sqlite_folder(url)
    engine = create_async_engine(
        url,
        echo=settings.DATABASE_ECHO,
        connect_args=connect_args(url, settings),
        **_pool_options(url, pooled=True),
    )
    _configure_sqlite(engine.sync_engine, settings)
    return engine


def connect_args(url: URL, settings: DatabaseSettings) -> dict[str, Any]:
    """Bound every connect so nothing (health, CLI, requests) waits forever on a dead server."""
    timeout = settings.DATABASE_CONNECT_TIMEOUT
    if url.get_backend_name() == "sqlite":
        # check_same_thread: FastAPI runs sync dependencies in a thread pool.
        return {"timeout": timeout, "check_same_thread": False}
    if url.get_backend_name() == "postgresql" and url.get_driver_name().startswith("psycopg"):
        return {"connect_timeout": max(1, math.ceil(timeout))}
    return {}


def _pool_options(url: URL, pooled: bool) -> dict[str, Any]:
    if not pooled:
        return {"poolclass": NullPool}
    if url.get_backend_name() == "sqlite":
        return {}
    return {"pool_pre_ping": True}


def prepare_sqlite_folder(url: URL) -> None:
    """SQLite creates the file but not its folder: create `data/` so the default just works."""
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)


def _configure_sqlite(engine: Engine, settings: DatabaseSettings) -> None:
    """On every new SQLite connection: enforce FOREIGN KEY constraints (SQLite ignores them
    unless asked, unlike PostgreSQL), and for a file, write-ahead logging
    (`DATABASE_SQLITE_WAL`), so that a read never waits for another process's write."""
    if engine.dialect.name != "sqlite":
        return
    pragmas = ["PRAGMA foreign_keys=ON"]
    in_memory = sqlite_path(engine.url) is None
    if settings.DATABASE_SQLITE_WAL and not in_memory:
        pragmas.append("PRAGMA journal_mode=WAL")
    if in_memory or settings.DATABASE_SQLITE_WAL:
        _never_wait.add(engine)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        for pragma in pragmas:
            cursor.execute(pragma)
        cursor.close()


def reads_never_wait(engine: Engine) -> bool:
    """Whether a short read on `engine` finishes without waiting on a network or on another
    connection's lock: SQLite, in WAL mode for a file (in memory, nothing else can lock it).
    Such a read takes less time than handing it to a thread (measured: a point lookup ~40 µs,
    a thread hop ~100-250 µs of CPU), so a hot path may run it on the event loop. Decided
    when the engine was built, with the settings it was built with."""
    return engine in _never_wait


def dispose_engines() -> None:
    """Close every pool and forget the engines (and the cached settings)."""
    with _lock:
        engines, async_engines = [*_sync.values(), *_unpooled.values()], list(_async.values())
        _sync.clear()
        _unpooled.clear()
        _sync_by_raw.clear()
        _async.clear()
    for engine in engines:
        engine.dispose()
    for async_engine in async_engines:
        async_engine.sync_engine.dispose()
    get_settings.cache_clear()


async def dispose_async_engines() -> None:
    """Like `dispose_engines`, but awaits the async pools' close (use inside a loop)."""
    with _lock:
        async_engines = list(_async.values())
        _async.clear()
    for engine in async_engines:
        await engine.dispose()
    dispose_engines()
