"""Settings of the ingress component (merged into the project's settings by aegis-core).

Everything here comes from the user's `.env`, so every value is parsed and bounded: a bad entry
is a one-line settings error at startup, never an allowlist that silently admits too much.
"""

from __future__ import annotations

import ipaddress
import re

from aegis_core.settings import cached_settings
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

MAX_ENTRIES = 64
LOOPBACK = "127.0.0.1/32,::1/128"
CORE_ADMIN_PATHS = ("/dashboard", "/docs", "/redoc", "/openapi.json")
_PATH = re.compile(r"^/[A-Za-z0-9._~/-]{0,200}$")


def parse_networks(value: str) -> tuple[Network, ...]:
    """`10.0.0.0/8, 192.168.1.7` → networks (a bare address is a /32 or /128)."""
    entries = [part.strip() for part in value.split(",") if part.strip()]
    if len(entries) > MAX_ENTRIES:
        raise ValueError(f"at most {MAX_ENTRIES} entries")
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ValueError(
                f"{entry[:60]!r} is not an IP address or CIDR; write e.g. 203.0.113.7 or "
                "10.0.0.0/8, comma-separated"
            ) from None
    return tuple(networks)


def parse_paths(value: str) -> tuple[str, ...]:
    """`/ops, /metrics` → path prefixes, each starting with `/`."""
    entries = [part.strip().rstrip("/") or "/" for part in value.split(",") if part.strip()]
    if len(entries) > MAX_ENTRIES:
        raise ValueError(f"at most {MAX_ENTRIES} paths")
    for entry in entries:
        if not _PATH.match(entry) or entry == "/":
            raise ValueError(f"{entry[:60]!r} is not a path prefix such as /ops")
    return tuple(entries)


class IngressSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    ADMIN_IP_ALLOWLIST: str = Field(default=LOOPBACK, max_length=4096)
    """Clients allowed on admin pages (/dashboard, /docs, /redoc, /openapi.json, routes tagged
    `admin`, INGRESS_ADMIN_PATHS): comma-separated IPs or CIDRs. Traefik reads the same value."""
    INGRESS_TRUSTED_PROXIES: str = Field(default=LOOPBACK, max_length=4096)
    """Peers whose X-Forwarded-For the app believes (Traefik). Anyone else's header is ignored,
    so a forged one gets nothing."""
    INGRESS_ADMIN_PATHS: str = Field(default="", max_length=4096)
    """More admin path prefixes of your own, comma-separated (e.g. `/ops`)."""
    INGRESS_TRAEFIK_URL: str = Field(default="", max_length=300)
    """Traefik's internal entrypoint (ping and API) for /health, e.g. `http://traefik:8080`;
    empty when the app runs without Traefik."""
    INGRESS_HTTPS_PORT: int = Field(default=443, ge=1, le=65535)
    """Where Traefik serves HTTPS on the host of INGRESS_TRAEFIK_URL (for the certificate
    expiry that /health reports)."""

    @field_validator("ADMIN_IP_ALLOWLIST", "INGRESS_TRUSTED_PROXIES")
    @classmethod
    def _networks(cls, value: str) -> str:
        parse_networks(value)
        return value

    @field_validator("INGRESS_ADMIN_PATHS")
    @classmethod
    def _paths(cls, value: str) -> str:
        parse_paths(value)
        return value

    @field_validator("INGRESS_TRAEFIK_URL")
    @classmethod
    def _url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if value and not re.match(r"^https?://[A-Za-z0-9.\-\[\]:]{1,260}$", value):
            raise ValueError("write it as http://HOST:PORT (e.g. http://traefik:8080), no path")
        return value

    @property
    def allowlist(self) -> tuple[Network, ...]:
        return parse_networks(self.ADMIN_IP_ALLOWLIST)

    @property
    def trusted_proxies(self) -> tuple[Network, ...]:
        return parse_networks(self.INGRESS_TRUSTED_PROXIES)

    @property
    def admin_paths(self) -> tuple[str, ...]:
        return CORE_ADMIN_PATHS + parse_paths(self.INGRESS_ADMIN_PATHS)


get_settings = cached_settings(IngressSettings)
"""The ingress settings, read once per process (each request's allowlist check reads them)."""
