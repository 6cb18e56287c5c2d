"""The dashboard's per-session refresh loop, its socket watch and the mount's CSP wrapper.

The end-to-end proof (a real browser opening and closing the page, the loop stopping) is in
test_integration.py; these pin down each rule on its own.
"""

from __future__ import annotations

import asyncio

import httpx
import pytest
from aegis_core.dashboard.mount import CONTENT_SECURITY_POLICY, ContentSecurityPolicy
from aegis_core.dashboard.refresh import Refresher, Sessions
from aegis_core.dashboard.sockets import SocketWatch, WatchSockets, current_socket
from starlette.responses import PlainTextResponse
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocketDisconnect

INTERVAL = 0.1  # the smallest Refresher allows


class Counter:
    def __init__(self, fail_first: bool = False) -> None:
        self.calls = 0
        self.fail_first = fail_first

    async def __call__(self) -> None:
        self.calls += 1
        if self.fail_first and self.calls == 1:
            raise RuntimeError("first refresh fails")


async def test_refreshes_at_once_then_every_interval_until_stopped() -> None:
    counter = Counter()
    refresher = Refresher(counter, INTERVAL)

    refresher.start()
    await asyncio.sleep(INTERVAL * 3.5)
    refresher.stop()
    calls = counter.calls
    await asyncio.sleep(INTERVAL * 3)

    assert calls >= 3
    assert counter.calls == calls  # nothing after stop()
    assert not refresher.running


async def test_a_failing_refresh_does_not_end_the_loop() -> None:
    counter = Counter(fail_first=True)
    refresher = Refresher(counter, INTERVAL)

    refresher.start()
    await asyncio.sleep(INTERVAL * 2.5)

    assert counter.calls >= 2 and refresher.running
    refresher.close()


async def test_start_is_idempotent_and_close_is_final() -> None:
    counter = Counter()
    refresher = Refresher(counter, 60)

    refresher.start()
    refresher.start()
    await asyncio.sleep(0.01)
    refresher.close()
    refresher.start()  # a reconnect after the session closed must not revive it

    assert counter.calls == 1
    assert not refresher.running


async def test_stops_when_its_socket_closes_but_not_for_an_older_one() -> None:
    refresher = Refresher(Counter(), 60)
    old, new = SocketWatch(), SocketWatch()

    refresher.follow(old)
    refresher.start()
    refresher.follow(new)  # the browser reconnected on a new socket
    await old.close()
    assert refresher.running

    await new.close()
    assert not refresher.running


async def test_sessions_count_running_loops_and_close_them_all() -> None:
    sessions = Sessions()
    first = sessions.add(Refresher(Counter(), 60))
    second = sessions.add(Refresher(Counter(), 60))
    first.start()
    second.start()
    second.stop()

    assert (sessions.refreshing, sessions.opened) == (1, 2)
    sessions.close_all()
    assert sessions.refreshing == 0


async def test_socket_watch_is_visible_to_spawned_tasks_and_closes_even_on_error() -> None:
    seen: list[SocketWatch | None] = []
    closed: list[bool] = []

    async def flet_like_app(scope: Scope, receive: Receive, send: Send) -> None:
        async def session_main() -> None:  # Flet runs the page's `main` in a task it spawns
            watch = current_socket()
            seen.append(watch)
            if watch is not None:
                watch.on_close(lambda: closed.append(True))

        await asyncio.create_task(session_main())
        raise WebSocketDisconnect(1006)  # the handler dies instead of disconnecting cleanly

    async def receive() -> dict[str, object]:
        return {}

    async def send(message: object) -> None:
        return None

    with pytest.raises(WebSocketDisconnect):
        await WatchSockets(flet_like_app)({"type": "websocket"}, receive, send)  # type: ignore[arg-type]

    assert isinstance(seen[0], SocketWatch) and seen[0].closed
    assert closed == [True]
    assert current_socket() is None


async def test_csp_header_on_dashboard_responses_replacing_any_other() -> None:
    inner = PlainTextResponse("page", headers={"Content-Security-Policy": "default-src *"})
    transport = httpx.ASGITransport(app=ContentSecurityPolicy(inner))

    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get("/")

    assert response.text == "page"
    assert response.headers.get_list("content-security-policy") == [CONTENT_SECURITY_POLICY]
