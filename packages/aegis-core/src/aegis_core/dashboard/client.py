"""While the server is away, the page keeps its last state on screen, greyed, and says so.

Flet's client blanks the whole page to a "Working..." spinner as soon as its websocket drops,
and the state drawn on its canvas is gone. The page a person keeps open must instead keep what
it knew: "Disconnected since 12:42:31, retrying", over the last headline and cards, greyed.

Two small parts, outside Flet (which renders on a canvas we do not control):
- `GET <dashboard>/aegis-state.json`: the last state the dashboard rendered, in plain words
  (`Sessions.last_state`). No health check runs for it.
- A script added to the page's HTML: it notes that state every refresh; when the dashboard's
  websocket closes it lays that state, greyed, over the page with the banner (real text:
  selectable, read by screen readers as a status); when a websocket opens again (Flet retries
  by itself) it removes the overlay.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

STATE_PATH = "/aegis-state.json"

SCRIPT = """<script>
(() => {
  const POLL_MS = %(poll_ms)d;
  let last = null, since = null, overlay = null;
  const note = () => fetch("aegis-state.json", {cache: "no-store"})
    .then((r) => (r.ok ? r.json() : null)).then((s) => { if (s && s.headline) last = s; })
    .catch(() => {});
  setInterval(() => { if (!since) note(); }, POLL_MS);
  note();
  const two = (n) => String(n).padStart(2, "0");
  const el = (tag, text, style) => {
    const e = document.createElement(tag);
    if (text) e.textContent = text;
    if (style) e.style.cssText = style;
    return e;
  };
  function show() {
    if (overlay) return;
    const t = since;
    const when = `${two(t.getHours())}:${two(t.getMinutes())}:${two(t.getSeconds())}`;
    overlay = el("div", "", "position:fixed;inset:0;z-index:2147483647;overflow:auto;" +
      "background:#F3F4F6;color:#1F2937;font:14px Roboto,Arial,sans-serif;padding:24px");
    overlay.id = "aegis-disconnected";
    const banner = el("div", `Disconnected since ${when}, retrying`,
      "background:#374151;color:#FFFFFF;padding:10px 14px;border-radius:8px;font-weight:600");
    banner.setAttribute("role", "status");
    overlay.appendChild(banner);
    const stale = el("div", "", "filter:grayscale(1);opacity:0.85;margin-top:16px");
    if (last) {
      stale.appendChild(el("h1", document.title.replace(/ dashboard$/, ""), "font-size:24px"));
      stale.appendChild(el("p", last.headline, "font-weight:600"));
      stale.appendChild(el("p", last.updated, ""));
      for (const card of last.cards) {
        const box = el("div", "", "border:1px solid #6B7280;border-radius:10px;" +
          "padding:10px 14px;margin:8px 0;background:#FFFFFF");
        box.appendChild(el("strong", `${card.title}: ${card.status}`, ""));
        box.appendChild(el("div", card.message, ""));
        stale.appendChild(box);
      }
    }
    overlay.appendChild(stale);
    document.body.appendChild(overlay);
  }
  function hide() {
    since = null;
    if (overlay) overlay.remove();
    overlay = null;
    note();
  }
  // A subclass, not a wrapper function: Flutter's socket needs the real class.
  class Watched extends window.WebSocket {
    constructor(...args) {
      super(...args);
      if (String(args[0]).endsWith("/ws")) {
        this.addEventListener("open", () => { if (since) setTimeout(hide, 1000); });
        this.addEventListener("close", () => { if (!since) { since = new Date(); show(); } });
      }
    }
  }
  window.WebSocket = Watched;
})();
</script>"""


class DisconnectedOverlay:
    """ASGI wrapper of the dashboard: serves the last state and adds the script to its HTML."""

    def __init__(self, app: ASGIApp, state: Any, poll_seconds: float) -> None:
        """`state` has a `last_state` dict (the `Sessions`); the page notes it every
        `poll_seconds` (the dashboard's refresh interval)."""
        self.app = app
        self.state = state
        self.script = (SCRIPT % {"poll_ms": max(int(poll_seconds * 1000), 1000)}).encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"].removeprefix(scope.get("root_path", ""))
        if path == STATE_PATH:
            await self._send_state(send)
            return
        await self.app(scope, receive, _HtmlInjector(send, self.script))

    async def _send_state(self, send: Send) -> None:
        body = json.dumps(self.state.last_state).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"cache-control", b"no-store"),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})


class _HtmlInjector:
    """`send` for one response: an HTML page is buffered and gets the script before
    `</head>`; anything else passes through untouched."""

    def __init__(self, send: Send, script: bytes) -> None:
        self.send = send
        self.script = script
        self.start: Message | None = None
        self.chunks: list[bytes] = []

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = dict(message.get("headers", []))
            if headers.get(b"content-type", b"").startswith(b"text/html"):
                self.start = message
                return
        elif message["type"] == "http.response.body" and self.start is not None:
            self.chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            await self._send_page()
            return
        await self.send(message)

    async def _send_page(self) -> None:
        assert self.start is not None
        page = b"".join(self.chunks).replace(b"</head>", self.script + b"</head>", 1)
        skip = {b"content-length", b"etag", b"last-modified"}
        headers = [(k, v) for k, v in self.start.get("headers", []) if k.lower() not in skip]
        headers.append((b"content-length", str(len(page)).encode()))
        await self.send({**self.start, "headers": headers})
        await self.send({"type": "http.response.body", "body": page})
