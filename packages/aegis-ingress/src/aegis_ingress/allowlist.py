"""The app's own guard of admin pages, for when it runs without Traefik in front (and as a
second line behind it).

Which client is asking: the TCP peer, unless that peer is a trusted proxy
(INGRESS_TRUSTED_PROXIES); then the right-most X-Forwarded-For address that is not itself a
trusted proxy. A header from anyone else is ignored, so forging one gets nothing. A client
whose address cannot be read is refused.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Sequence
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from aegis_ingress.settings import IngressSettings, Network, get_settings

ADMIN_TAG = "admin"
"""Tag a route with it (`APIRouter(tags=["admin"])`) to make it an admin page."""

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
REFUSAL = {
    "detail": "admin pages answer only clients in ADMIN_IP_ALLOWLIST; "
    "add your address there (comma-separated IPs or CIDRs)"
}


def parse_ip(text: str) -> IpAddress | None:
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


def _inside(address: IpAddress, networks: Sequence[Network]) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address in network for network in networks)


def client_address(
    peer: str | None, forwarded_for: Sequence[str], trusted: Sequence[Network]
) -> IpAddress | None:
    """The address a request really comes from (None when it cannot be told)."""
    address = parse_ip(peer) if peer else None
    if address is None or not _inside(address, trusted):
        return address
    hops = [hop for header in forwarded_for for hop in header.split(",")][-MAX_HOPS:]
    for hop in reversed(hops):
        candidate = parse_ip(hop)
        if candidate is None:
            return None  # garbage in the chain: nobody can say who this is
        if not _inside(candidate, trusted):
            return candidate
        address = candidate
    return address


MAX_HOPS = 32


class AdminAllowlist:
    """ASGI middleware: admin paths (and routes tagged `admin`) only for allowed clients."""

    def __init__(self, app: ASGIApp, settings: IngressSettings | None = None) -> None:
        settings = settings or get_settings()
        self.app = app
        self.allowlist = settings.allowlist
        self.trusted = settings.trusted_proxies
        self.prefixes = settings.admin_paths
        self._tagged: list[re.Pattern[str]] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or not self._is_admin(scope):
            await self.app(scope, receive, send)
            return
        peer = scope.get("client")
        headers = [
            value.decode("latin-1")
            for name, value in scope.get("headers", [])
            if name == b"x-forwarded-for"
        ]
        address = client_address(peer[0] if peer else None, headers, self.trusted)
        if address is not None and _inside(address, self.allowlist):
            await self.app(scope, receive, send)
            return
        await _refuse(scope, send)

    def _is_admin(self, scope: Scope) -> bool:
        path: str = scope.get("path", "")
        if any(path == p or path.startswith(p + "/") for p in self.prefixes):
            return True
        return any(pattern.match(path) for pattern in self._tagged_routes(scope.get("app")))

    def _tagged_routes(self, app: Any) -> list[re.Pattern[str]]:
        """Operations tagged `admin` in the app's OpenAPI schema (its public description of its
        routes, prefixes included), read once: the routes are fixed by the first request."""
        if self._tagged is None:
            schema = app.openapi() if hasattr(app, "openapi") else {}
            self._tagged = [
                path_pattern(path)
                for path, operations in schema.get("paths", {}).items()
                if any(ADMIN_TAG in (op.get("tags") or ()) for op in operations.values())
            ]
        return self._tagged


def path_pattern(template: str) -> re.Pattern[str]:
    """`/api/items/{item_id}` → a pattern matching its concrete paths."""
    parts = re.split(r"(\{[^}]*\})", template)
    regex = "".join(
        (".*" if part.endswith(":path}") else "[^/]+") if part.startswith("{") else re.escape(part)
        for part in parts
    )
    return re.compile(f"^{regex}$")


async def _refuse(scope: Scope, send: Send) -> None:
    if scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": 1008})
        return
    body = json.dumps(REFUSAL).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    await send({"type": "http.response.start", "status": 403, "headers": headers})
    await send({"type": "http.response.body", "body": body})
