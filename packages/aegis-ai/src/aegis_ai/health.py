"""AI health without calling the provider: is it configured, is a key there (never shown), how
did the last real call go, and what the conversation store holds.

The offline model is `info` (works, but is not an AI); a provider without its key or SDK, a
failed last call or an unreadable store is a `warning` naming the fix.
"""

from __future__ import annotations

import asyncio
from typing import Any

from aegis_core.component import DashboardCard
from aegis_core.health.models import ComponentHealth, HealthStatus
from aegis_core.messages import one_line

from aegis_ai import stats
from aegis_ai.providers import PROVIDERS, NotConfigured, api_key, model_name, provider_name
from aegis_ai.settings import AISettings
from aegis_ai.store import StoreError
from aegis_ai.store_factory import get_store

STORE_TIMEOUT = 1.5


async def check_ai(
    settings: AISettings | None = None, store_timeout: float = STORE_TIMEOUT
) -> ComponentHealth:
    """`store_timeout` stays below aegis-core's check budget in /health; the CLI may wait more."""
    from aegis_ai.settings import get_settings

    settings = settings or get_settings()
    meta: dict[str, Any] = {"provider": provider_name(settings), "model": model_name(settings)}
    problems = _configuration(settings, meta) + await _store(settings, meta, store_timeout)
    last = stats.last_call()
    if last is not None:
        meta["last_call_at"] = last.at.isoformat(timespec="seconds")
        meta["last_call_latency_ms"] = last.latency_ms
        meta["last_error"] = last.error or None
        if last.error:
            problems.append(f"last call failed: {last.error}")
    if problems:
        return _health(HealthStatus.WARNING, "; ".join(problems), meta)
    if not settings.AI_PROVIDER:
        message = "offline test model (no AI_PROVIDER set): answers are not from an AI"
        return _health(HealthStatus.INFO, message, meta)
    return _health(HealthStatus.HEALTHY, f"{meta['provider']} {meta['model']} configured", meta)


def _configuration(settings: AISettings, meta: dict[str, Any]) -> list[str]:
    provider = PROVIDERS.get(settings.AI_PROVIDER)
    meta["configured"] = provider is not None
    if provider is None:
        return []
    if provider.key_env:
        meta["key_env"] = provider.key_env
        meta["key_present"] = bool(api_key(settings))
    try:
        from aegis_ai.providers import build_model

        build_model(settings)  # builds a client object; sends nothing
    except NotConfigured as exc:
        return [str(exc)]
    return []


async def _store(settings: AISettings, meta: dict[str, Any], timeout: float) -> list[str]:
    try:
        store = get_store(settings)
        meta["store"] = store.label
        counts = await asyncio.wait_for(store.stats(), timeout)
    except StoreError as exc:
        return [str(exc)]
    except TimeoutError:
        return [f"conversation store did not answer within {timeout:g}s"]
    except Exception as exc:
        return [f"conversation store: {one_line(exc)}"]
    meta["conversations"] = counts.conversations
    meta["usage_today"] = counts.tokens_today  # tokens; a key with "token" is masked as a secret
    return []


def _health(status: HealthStatus, message: str, meta: dict[str, Any]) -> ComponentHealth:
    return ComponentHealth(name="ai", status=status, message=message, metadata=meta)


def dashboard_card(health: ComponentHealth) -> DashboardCard:
    meta = health.metadata
    rows = [
        ("Provider", str(meta.get("provider", "?"))),
        ("Model", str(meta.get("model", "?"))),
        ("Conversations", str(meta.get("conversations", "?"))),
        ("Usage today", f"{meta['usage_today']} tokens" if "usage_today" in meta else "?"),
    ]
    if meta.get("last_call_latency_ms") is not None:
        rows.append(("Last call", f"{meta['last_call_latency_ms']} ms"))
    return DashboardCard(title="AI", rows=rows)
