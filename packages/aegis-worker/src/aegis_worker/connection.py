"""Redis connections with bounded timeouts, and one-line descriptions of what went wrong.

arq's own `create_pool` retries five times a second apart before it gives up; a health check or
an API request cannot wait that long, so we build the `ArqRedis` client ourselves.
"""

from __future__ import annotations

import asyncio
from contextlib import suppress
from urllib.parse import urlsplit, urlunsplit

from arq.connections import ArqRedis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from aegis_worker.errors import RedisUnavailable

REDIS_ERRORS: tuple[type[BaseException], ...] = (RedisError, OSError, asyncio.TimeoutError)
"""What a lost or missing Redis raises, through redis-py or the socket underneath."""
CONNECTION_ERRORS: tuple[type[BaseException], ...] = (
    RedisConnectionError,
    RedisTimeoutError,
    OSError,
    asyncio.TimeoutError,
)
"""The subset worth reconnecting for; e.g. WRONGTYPE would fail again right away."""


def connect(
    url: str,
    *,
    timeout: float,
    bounded: bool = True,
    queue_name: str | None = None,
    client_class: type[ArqRedis] = ArqRedis,
) -> ArqRedis:
    """A lazy client (nothing is sent until the first command) that never retries silently.

    `bounded` also limits each command to `timeout` seconds: right for health checks and API
    requests, which must answer while Redis hangs. redis-py runs every bounded command through
    `asyncio.wait_for`, a new task per command, which costs a worker ~30 % of its throughput;
    so worker and enqueue pools are unbounded like arq's own (connect timeout, TCP keepalive).
    """
    client = client_class.from_url(
        url,
        socket_timeout=timeout if bounded else None,
        socket_connect_timeout=timeout,
        socket_keepalive=True,
        retry=Retry(NoBackoff(), 0),
        retry_on_timeout=False,
    )
    if queue_name is not None:
        client.default_queue_name = queue_name
    return client


def redact(url: str) -> str:
    """The URL without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    user = f"{parts.username}:***@" if parts.username else ":***@"
    return urlunsplit(parts._replace(netloc=f"{user}{host}{port}"))


def describe(exc: BaseException) -> str:
    """`ConnectionError: Error 111 connecting to …` without the traceback."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def unavailable(url: str, exc: BaseException) -> RedisUnavailable:
    return RedisUnavailable(f"cannot reach Redis at {redact(url)} ({describe(exc)})")


async def ping(url: str, *, timeout: float) -> None:
    """Raise `RedisUnavailable` unless Redis answers PING within `timeout` seconds."""
    try:
        client = connect(url, timeout=timeout)
    except ValueError as exc:  # a malformed URL
        raise RedisUnavailable(f"invalid REDIS_URL {redact(url)!r}: {exc}") from None
    try:
        await asyncio.wait_for(client.ping(), timeout + 0.5)
    except REDIS_ERRORS as exc:
        raise unavailable(url, exc) from None
    finally:
        await close(client)


async def close(client: ArqRedis) -> None:
    """Close a client whose server may already be gone."""
    with suppress(*REDIS_ERRORS):
        await client.aclose(close_connection_pool=True)
