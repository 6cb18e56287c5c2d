"""Is a worker process of this host alive? The check behind a worker container's HEALTHCHECK.

Every worker process announces itself in `<q>:workers` (runner.py's heartbeat), as
`<host name>:<pid>:<random>` scored by when that word expires. Docker runs a container's
healthcheck inside the container, so the host name is the container's own: this asks whether
*this* container's worker still speaks, not whether Redis or the web app answers (`worker
status` does that, and stays green while the worker process hangs or never started serving).
"""

from __future__ import annotations

import asyncio
import socket
import time

from aegis_worker.connection import REDIS_ERRORS, close, connect, unavailable
from aegis_worker.settings import WorkerConfig
from aegis_worker.status import WORKERS_SUFFIX


async def live_processes(config: WorkerConfig, queue: str, host: str | None = None) -> list[str]:
    """The processes on `host` (default: this one) whose heartbeat for `queue` has not expired.

    Raises `RedisUnavailable` when Redis does not answer: the check cannot say alive then."""
    prefix = f"{host or socket.gethostname()}:"
    key = config.queue_name(queue) + WORKERS_SUFFIX
    client = connect(config.REDIS_URL, timeout=config.WORKER_REDIS_TIMEOUT)
    try:
        now_ms = time.time() * 1000
        members = await asyncio.wait_for(
            client.zrangebyscore(key, now_ms, "+inf"), config.WORKER_REDIS_TIMEOUT + 0.5
        )
    except REDIS_ERRORS as exc:
        raise unavailable(config.REDIS_URL, exc) from None
    finally:
        await close(client)
    names = [m.decode() if isinstance(m, bytes) else str(m) for m in members]
    return sorted(n for n in names if n.startswith(prefix))
