"""aegis-worker: Background jobs with arq on Redis."""

from aegis_worker.component import component

__all__ = ["component"]
