"""aegis-core: the runtime kernel of an Aegis project.

Public names are imported lazily so that a component module (which imports `Component`
from here) and `--help` stay fast: FastAPI, Flet and friends load only when used.
"""

from __future__ import annotations

import logging
from importlib import import_module
from typing import TYPE_CHECKING, Any

from aegis_core._version import __version__

# A library does not print on its own: without a configured handler (the project CLI), the
# `aegis.*` warnings (e.g. "component X not loaded") would reach stderr through logging's
# last-resort handler on every command. The server configures logging and still shows them;
# `<slug> components` lists the same problems on demand.
logging.getLogger("aegis").addHandler(logging.NullHandler())

if TYPE_CHECKING:
    from aegis_core.app import create_app
    from aegis_core.component import Component, DashboardCard
    from aegis_core.health.models import ComponentHealth, HealthStatus
    from aegis_core.settings import CoreSettings

__all__ = [
    "Component",
    "ComponentHealth",
    "CoreSettings",
    "DashboardCard",
    "HealthStatus",
    "__version__",
    "create_app",
]

_LAZY = {
    "create_app": "aegis_core.app",
    "Component": "aegis_core.component",
    "DashboardCard": "aegis_core.component",
    "ComponentHealth": "aegis_core.health.models",
    "HealthStatus": "aegis_core.health.models",
    "CoreSettings": "aegis_core.settings",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'aegis_core' has no attribute {name!r}")
    return getattr(import_module(module), name)
