"""Ingress health as the web process can know it: Traefik's ping and API, and certificates.

Without Traefik configured (INGRESS_TRAEFIK_URL empty) the app still guards its admin pages,
so that is `info`, not a failure. Traefik down or a broken router is a warning: the app itself
still answers, so /health must not turn 503 over the proxy.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from aegis_core.component import DashboardCard
from aegis_core.health.models import ComponentHealth, HealthStatus
from aegis_core.messages import one_line

from aegis_ingress.settings import IngressSettings, get_settings
from aegis_ingress.traefik_api import TIMEOUT, TraefikState, read_state

EXPIRY_WARNING_DAYS = 14


async def check_ingress(settings: IngressSettings | None = None) -> ComponentHealth:
    settings = settings or get_settings()
    guard = {"admin_allowlist": settings.ADMIN_IP_ALLOWLIST}
    url = settings.INGRESS_TRAEFIK_URL
    if not url:
        message = "no Traefik configured (INGRESS_TRAEFIK_URL); the app guards its admin pages"
        return _health(HealthStatus.INFO, message, guard)
    try:
        state = await asyncio.wait_for(read_state(url, settings.INGRESS_HTTPS_PORT), TIMEOUT * 3)
    except Exception as exc:
        message = f"Traefik at {url} does not answer: {one_line(exc)}"
        return _health(HealthStatus.WARNING, message, {**guard, "traefik": url})
    return verdict(state, url, guard)


def verdict(state: TraefikState, url: str, guard: dict[str, Any]) -> ComponentHealth:
    meta: dict[str, Any] = {
        **guard,
        "traefik": url,
        "routers": [_brief(r) for r in state.routers],
        "services": [_brief(s) for s in state.services],
        "certificates": {
            d: e.isoformat(timespec="seconds") if isinstance(e, datetime) else e
            for d, e in state.certificates.items()
        },
    }
    problems = [f"{name} is not enabled" for name in state.failing]
    problems += _certificate_problems(state.certificates)
    summary = f"{len(state.routers)} routers, {len(state.services)} services"
    if problems:
        return _health(HealthStatus.WARNING, f"{summary}; " + "; ".join(problems), meta)
    return _health(HealthStatus.HEALTHY, f"Traefik answers: {summary}", meta)


def _certificate_problems(certificates: dict[str, datetime | str]) -> list[str]:
    now = datetime.now(UTC)
    problems = []
    for domain, expiry in certificates.items():
        if isinstance(expiry, str):
            problems.append(f"certificate of {domain} {expiry}")
        elif (expiry - now).days < EXPIRY_WARNING_DAYS:
            problems.append(f"certificate of {domain} expires {expiry:%Y-%m-%d}")
    return problems


def _brief(item: dict[str, Any]) -> dict[str, str]:
    return {"name": str(item.get("name", "?")), "status": str(item.get("status", "?"))}


def _health(status: HealthStatus, message: str, metadata: dict[str, Any]) -> ComponentHealth:
    return ComponentHealth(name="ingress", status=status, message=message, metadata=metadata)


def dashboard_card(health: ComponentHealth) -> DashboardCard:
    """Allowlist, then one row per router and per certificate."""
    meta = health.metadata
    rows: list[tuple[str, str]] = [("admin allowlist", str(meta.get("admin_allowlist", "")))]
    if "traefik" in meta:
        rows.append(("traefik", str(meta["traefik"])))
    for router in meta.get("routers", []):
        rows.append((f"router {router['name']}", router["status"]))
    for domain, expiry in meta.get("certificates", {}).items():
        rows.append((f"certificate {domain}", f"expires {expiry}"))
    return DashboardCard(title="Ingress", rows=rows)
