"""What Traefik says about itself: ping, routers, services, and the certificates it serves.

Every call is bounded by a short timeout: /health must answer even when Traefik hangs.
"""

from __future__ import annotations

import asyncio
import re
import ssl
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

TIMEOUT = 1.5
MAX_ITEMS = 200
_HOST_RULE = re.compile(r"Host\(`([A-Za-z0-9.-]{1,253})`\)")


@dataclass
class TraefikState:
    routers: list[dict[str, Any]] = field(default_factory=list)
    services: list[dict[str, Any]] = field(default_factory=list)
    certificates: dict[str, datetime | str] = field(default_factory=dict)
    """Domain → expiry, or why it could not be read."""

    @property
    def failing(self) -> list[str]:
        """Routers and services Traefik itself reports as broken."""
        items = self.routers + self.services
        return [str(i.get("name")) for i in items if i.get("status") not in (None, "enabled")]


async def read_state(base_url: str, https_port: int) -> TraefikState:
    """Ping, then routers and services; raises on the first thing that does not answer."""
    async with httpx.AsyncClient(base_url=base_url, timeout=TIMEOUT) as client:
        ping = await client.get("/ping")
        if ping.status_code != 200 or ping.text.strip() != "OK":
            raise RuntimeError(f"ping answered {ping.status_code}")
        routers = await _items(client, "/api/http/routers")
        services = await _items(client, "/api/http/services")
    state = TraefikState(routers=routers, services=services)
    host = urlsplit(base_url).hostname or "127.0.0.1"
    for domain in tls_domains(routers)[:5]:
        state.certificates[domain] = await certificate_expiry(host, https_port, domain)
    return state


async def _items(client: httpx.AsyncClient, path: str) -> list[dict[str, Any]]:
    response = await client.get(path, params={"per_page": MAX_ITEMS})
    response.raise_for_status()
    data = response.json()
    if not isinstance(data, list):
        raise RuntimeError(f"{path} did not return a list")
    return [item for item in data[:MAX_ITEMS] if isinstance(item, dict)]


def tls_domains(routers: list[dict[str, Any]]) -> list[str]:
    """Domains of the routers that serve TLS (from their Host(`…`) rules)."""
    found: list[str] = []
    for router in routers:
        if not router.get("tls"):
            continue
        for domain in _HOST_RULE.findall(str(router.get("rule", ""))):
            if domain not in found:
                found.append(domain)
    return found


async def certificate_expiry(host: str, port: int, domain: str) -> datetime | str:
    """The expiry of the certificate Traefik serves for `domain` (SNI), or the reason not."""
    try:
        return await asyncio.wait_for(_expiry(host, port, domain), TIMEOUT)
    except (OSError, TimeoutError, ValueError, ssl.SSLError) as exc:
        return f"not readable: {type(exc).__name__}"


async def _expiry(host: str, port: int, domain: str) -> datetime:
    from cryptography import x509

    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # we read the date; trust is the browser's business
    _reader, writer = await asyncio.open_connection(host, port, ssl=context, server_hostname=domain)
    try:
        ssl_object = writer.get_extra_info("ssl_object")
        der = ssl_object.getpeercert(binary_form=True) if ssl_object else None
    finally:
        writer.close()
    if not der:
        raise ValueError("no certificate")
    return x509.load_der_x509_certificate(der).not_valid_after_utc.astimezone(UTC)
