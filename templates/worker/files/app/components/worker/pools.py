"""Enqueue from anywhere in your app (API routes, scheduler jobs, other tasks):

    from app.components.worker.pools import get_queue_pool

    pool, _ = await get_queue_pool("system")
    await pool.enqueue_job("generate_report", 42)
    await pool.aclose()

The code lives in aegis-worker (upgraded with it); a task name the queue does not run is
refused at once instead of waiting forever.
"""

from aegis_worker.pools import get_queue_pool

__all__ = ["get_queue_pool"]
