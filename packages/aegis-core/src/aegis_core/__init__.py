"""aegis-core: the runtime kernel of an Aegis project.

The public API is what `__all__` lists here and in the public modules: `aegis_core.component`
(the contract), `aegis_core.settings`, `aegis_core.lazy`, `aegis_core.project`,
`aegis_core.messages`, `aegis_core.logs`, `aegis_core.startup`, `aegis_core.system`,
`aegis_core.health.models`, `aegis_core.cli` and `aegis_core.testing`.
Every other module is private to aegis-core and may change in any release.

Public names are imported lazily so that a component module (which imports `Component`
from here) and `--help` stay fast: FastAPI, Flet and friends load only when used.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from aegis_core._version import __version__
from aegis_core.lazy import lazy_attributes

# A library does not print on its own: without a configured handler (the project CLI), the
# `aegis.*` warnings (e.g. "component X not loaded") would reach stderr through logging's
# last-resort handler on every command. The server configures logging and still shows them;
# `<slug> components` lists the same problems on demand.
logging.getLogger("aegis").addHandler(logging.NullHandler())

if TYPE_CHECKING:
    from aegis_core.app import create_app
    from aegis_core.component import (
        CliCommands,
        Component,
        DashboardAction,
        DashboardCard,
        DeferredRouter,
    )
    from aegis_core.discovery import (
        ComponentProblem,
        DiscoveredComponents,
        LoadedComponent,
        ProblemKind,
        discover_components,
    )
    from aegis_core.health.models import ComponentHealth, HealthStatus
    from aegis_core.settings import CoreSettings, compose_settings

__all__ = [
    "CliCommands",
    "Component",
    "ComponentHealth",
    "ComponentProblem",
    "CoreSettings",
    "DashboardAction",
    "DashboardCard",
    "DeferredRouter",
    "DiscoveredComponents",
    "HealthStatus",
    "LoadedComponent",
    "ProblemKind",
    "__version__",
    "compose_settings",
    "create_app",
    "discover_components",
]

_LAZY = {
    "create_app": "aegis_core.app",
    "CliCommands": "aegis_core.component",
    "Component": "aegis_core.component",
    "DashboardAction": "aegis_core.component",
    "DashboardCard": "aegis_core.component",
    "DeferredRouter": "aegis_core.component",
    "ComponentProblem": "aegis_core.discovery",
    "DiscoveredComponents": "aegis_core.discovery",
    "LoadedComponent": "aegis_core.discovery",
    "ProblemKind": "aegis_core.discovery",
    "discover_components": "aegis_core.discovery",
    "ComponentHealth": "aegis_core.health.models",
    "HealthStatus": "aegis_core.health.models",
    "CoreSettings": "aegis_core.settings",
    "compose_settings": "aegis_core.settings",
}

__getattr__ = lazy_attributes(__name__, _LAZY)
