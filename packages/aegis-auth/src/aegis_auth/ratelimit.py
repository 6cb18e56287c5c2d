"""Fixed-window rate limits on login, register and refresh, per client IP and per account.

Counters live in the process by default. With `REDIS_URL` (or `AUTH_REDIS_URL`) set they live
in Redis (`INCR` + `EXPIRE` in one transaction), so every server process behind a load balancer
counts against the same limit. When Redis does not answer, the process falls back to its own
counters and logs it once: login keeps working and is still limited.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol

from aegis_auth.settings import AuthSettings, get_settings

logger = logging.getLogger("aegis.auth")


class Counter(Protocol):
    def hit(self, key: str, window: int) -> tuple[int, int]:
        """Count one attempt; (attempts in the current window, seconds until it ends)."""


@dataclass
class MemoryCounter:
    windows: dict[str, tuple[float, int]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def hit(self, key: str, window: int) -> tuple[int, int]:
        now = time.monotonic()
        with self.lock:
            started, count = self.windows.get(key, (now, 0))
            if now - started >= window:
                started, count = now, 0
            self.windows[key] = (started, count + 1)
            if len(self.windows) > 100_000:  # bounded memory under a flood of distinct keys
                self._forget_expired(now, window)
        return count + 1, max(1, int(window - (now - started) + 0.999))

    def _forget_expired(self, now: float, window: int) -> None:
        for stale in [k for k, (s, _) in self.windows.items() if now - s >= window]:
            del self.windows[stale]


@dataclass
class RedisCounter:
    url: str
    prefix: str
    fallback: MemoryCounter = field(default_factory=MemoryCounter)
    warned: bool = False

    def hit(self, key: str, window: int) -> tuple[int, int]:
        try:
            return self._redis_hit(f"{self.prefix}:{key}", window)
        except Exception as exc:
            if not self.warned:
                from aegis_core.messages import one_line

                logger.warning("rate limits fall back to this process: %s", one_line(exc))
                self.warned = True
            return self.fallback.hit(key, window)

    def _redis_hit(self, key: str, window: int) -> tuple[int, int]:
        client = _redis_client(self.url)
        pipe = client.pipeline(transaction=True)
        pipe.incr(key)
        pipe.expire(key, window, nx=True)
        pipe.ttl(key)
        count, _, ttl = pipe.execute()
        self.warned = False
        return int(count), max(1, int(ttl))


@lru_cache(maxsize=4)
def _redis_client(url: str) -> Any:
    import redis

    return redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many attempts: retry in {retry_after}s")
        self.retry_after = retry_after


@lru_cache(maxsize=1)
def counter() -> Counter:
    settings = get_settings()
    if settings.AUTH_REDIS_URL:
        return RedisCounter(settings.AUTH_REDIS_URL, settings.AUTH_RATE_LIMIT_PREFIX)
    return MemoryCounter()


def account_key(email: str) -> str:
    """Accounts are counted by a digest: the email itself never lands in Redis."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


def limit(action: str, keys: dict[str, str], settings: AuthSettings | None = None) -> None:
    """Count one `action` attempt under every key (`{"ip": …, "account": …}`); raise
    `RateLimited` with the longest wait when any of them is over its limit."""
    settings = settings or get_settings()
    allowed = {
        "login": settings.AUTH_LOGIN_LIMIT,
        "register": settings.AUTH_REGISTER_LIMIT,
        "refresh": settings.AUTH_REFRESH_LIMIT,
    }[action]
    window = settings.AUTH_RATE_WINDOW_SECONDS
    waits = []
    for kind, value in keys.items():
        count, retry_after = counter().hit(f"{action}:{kind}:{value}", window)
        if count > allowed:
            waits.append(retry_after)
    if waits:
        raise RateLimited(max(waits))
