"""A demo component whose health check never answers (a dead dependency without a timeout)."""

from __future__ import annotations

import asyncio

from aegis_core import Component, ComponentHealth


async def health_check() -> ComponentHealth:
    await asyncio.Event().wait()  # nobody ever sets it
    raise AssertionError("unreachable")


component = Component(
    health_check=health_check,
)
