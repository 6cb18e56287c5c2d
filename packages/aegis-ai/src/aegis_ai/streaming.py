"""Server-Sent Events for one chat turn, with the provider call in its own task.

The provider stream runs in a task that feeds a queue, so the route can wait for the first
delta before answering (a failure then is a real 502/503/504, not a 200 with an error inside),
and a client that goes away cancels that task: the provider request is closed, not finished.

Events: `delta` {"text"} …, then `done` {"conversation_id", "usage", …}; a failure after the
first delta is an `error` event {"status", "detail"}.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

from aegis_ai.errors import ChatFailure
from aegis_ai.service import ChatResult

_END = object()


class TurnStream:
    """Runs `events` in a task; `first()` then `sse()` read what it produced."""

    def __init__(self, events: AsyncIterator[str | ChatResult]) -> None:
        self._queue: asyncio.Queue[Any] = asyncio.Queue()
        self._task = asyncio.create_task(self._pump(events))

    async def _pump(self, events: AsyncIterator[str | ChatResult]) -> None:
        try:
            async for item in events:
                await self._queue.put(item)
        except ChatFailure as failure:
            await self._queue.put(failure)
        except Exception as exc:  # a bug: reported as an event, logged with its traceback
            await self._queue.put(exc)
            raise
        finally:
            await self._queue.put(_END)

    async def first(self) -> Any:
        """The first item; a failure before any text is raised here (the route's status)."""
        item = await self._get()
        if isinstance(item, ChatFailure):
            raise item
        return item

    async def _get(self) -> Any:
        try:
            return await self._queue.get()
        except asyncio.CancelledError:
            self.cancel()
            raise

    def cancel(self) -> None:
        self._task.cancel()

    async def sse(self, first: Any) -> AsyncIterator[str]:
        """The event stream; cancelled (client gone) means the provider task is cancelled."""
        item = first
        try:
            while item is not _END:
                yield _event(item)
                item = await self._get()
        finally:
            self.cancel()


def _event(item: Any) -> str:
    if isinstance(item, str):
        return format_event("delta", {"text": item})
    if isinstance(item, ChatResult):
        return format_event("done", item.as_dict())
    if isinstance(item, ChatFailure):
        return format_event("error", {"status": item.status, "detail": item.message})
    return format_event("error", {"status": 500, "detail": "internal error (see the server log)"})


def format_event(name: str, data: dict[str, Any]) -> str:
    return f"event: {name}\ndata: {json.dumps(data)}\n\n"
