"""A demo component released for an aegis-core older than any installed one."""

from __future__ import annotations

from aegis_core import Component

component = Component(
    name="legacy",
    version="0.0.9",
    supports_core="<0.1",
    description="Built for aegis-core 0.0.x.",
)
