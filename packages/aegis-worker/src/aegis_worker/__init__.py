"""aegis-worker: background jobs with arq on Redis.

`from aegis_worker import get_queue_pool` works, but importing this package stays cheap: the
entry point `aegis_worker.component:component` runs this file in every app start, so arq is
imported only when `get_queue_pool` is first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aegis_core.lazy import lazy_attributes

from aegis_worker.component import component
from aegis_worker.settings import Settings, WorkerConfig

if TYPE_CHECKING:
    from aegis_worker.pools import get_queue_pool

__all__ = ["Settings", "WorkerConfig", "component", "get_queue_pool"]


__getattr__ = lazy_attributes(__name__, {"get_queue_pool": "aegis_worker.pools"})
