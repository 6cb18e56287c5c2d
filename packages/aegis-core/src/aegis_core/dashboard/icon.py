"""The dashboard's own icon (tab, home screen, loading screen) instead of Flet's logo.

A person keeping the console open among other tabs should recognise it as their app's
operations page, not as "a Flet app". The icon is drawn here (a white shield on blue, no image
files to ship or licence) and served in place of Flet's icon files by `BrandIcons`.
"""

from __future__ import annotations

import struct
import zlib
from functools import cache

from starlette.types import ASGIApp, Receive, Scope, Send

BLUE = (21, 101, 192)
WHITE = (255, 255, 255)

ICON_SIZES = {
    "/favicon.png": 64,
    "/icons/icon-192.png": 192,
    "/icons/icon-512.png": 512,
    "/icons/icon-maskable-192.png": 192,
    "/icons/icon-maskable-512.png": 512,
    "/icons/apple-touch-icon-192.png": 192,
    "/icons/loading-animation.png": 192,
}
"""Flet's file names (its index.html and manifest point at them) → the size we draw."""


def _shield_span(y: float) -> tuple[float, float] | None:
    """Where a row at height `y` (0..1) crosses the shield: flat top, pointed bottom."""
    if not 0.2 <= y <= 0.82:
        return None
    half = 0.25 if y <= 0.55 else 0.25 * (0.82 - y) / (0.82 - 0.55)
    return 0.5 - half, 0.5 + half


@cache
def icon_png(size: int) -> bytes:
    """A square PNG of `size` pixels a side (drawn once per size, a row at a time)."""
    blue, white = bytes(BLUE), bytes(WHITE)
    rows = []
    for py in range(size):
        span = _shield_span((py + 0.5) / size)
        start, end = (round(span[0] * size), round(span[1] * size)) if span else (0, 0)
        pixels = blue * start + white * (end - start) + blue * (size - end)
        rows.append(b"\x00" + pixels)  # filter byte: none
    raw = zlib.compress(b"".join(rows), 9)
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", raw)
    return png + _chunk(b"IEND", b"")


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


class BrandIcons:
    """ASGI wrapper of the dashboard: answers Flet's icon paths with our icon."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "").removeprefix(scope.get("root_path", ""))
        size = ICON_SIZES.get(path) if scope["type"] == "http" else None
        if size is None:
            await self.app(scope, receive, send)
            return
        body = icon_png(size)
        headers = [
            (b"content-type", b"image/png"),
            (b"content-length", str(len(body)).encode()),
            (b"cache-control", b"public, max-age=86400"),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})
