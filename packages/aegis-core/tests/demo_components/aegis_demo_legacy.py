"""A demo component released for an aegis-core older than any installed one."""

from __future__ import annotations

from aegis_core import Component

component = Component()  # never imported: its distribution requires aegis-core<0.1
