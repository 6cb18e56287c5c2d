"""The contract between aegis-core and every Aegis package.

Each package exposes exactly one `Component` through the entry-point group
`aegis.components`, e.g. in its pyproject::

    [project.entry-points."aegis.components"]
    worker = "aegis_worker.component:component"

Heavy parts (routers, CLI) are factories, so discovering components stays cheap: a package's
dependencies are imported only when the app or the CLI actually needs that part.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import typer
    from fastapi import APIRouter, FastAPI
    from pydantic_settings import BaseSettings

    from aegis_core.health.models import ComponentHealth

ComponentKind = Literal["component", "service"]
ENTRY_POINT_GROUP = "aegis.components"

HealthCheck = Callable[[], Awaitable["ComponentHealth"]]
"""An async check returning the component's health (sub-components allowed)."""

Lifespan = Callable[["FastAPI"], AbstractAsyncContextManager[None]]
"""Entered by the host app at startup, exited at shutdown (in reverse order)."""


@dataclass(frozen=True, kw_only=True)
class DashboardCard:
    """What the dashboard shows for one component: plain data, rendered by aegis-core."""

    title: str
    rows: Sequence[tuple[str, str]] = ()


@dataclass(frozen=True, kw_only=True)
class Component:
    """One installed Aegis package, as the host app and the project CLI see it."""

    name: str
    """Short name used everywhere: `worker`, `scheduler`, `auth`."""
    version: str
    """The package's own version (read it from its distribution metadata)."""
    supports_core: str
    """PEP 440 range of aegis-core this version works with, e.g. ``">=0.1,<0.2"``."""
    kind: ComponentKind = "component"
    description: str = ""
    requires: tuple[str, ...] = ()
    """Names of other components that must be installed and loaded for this one to work."""
    settings: type[BaseSettings] | None = None
    """Settings class merged into the project's settings (see `compose_settings`)."""
    health_check: HealthCheck | None = None
    routers: Callable[[], Sequence[APIRouter]] | None = None
    """Routers mounted under the project's API prefix."""
    lifespan: Lifespan | None = None
    cli: Callable[[], typer.Typer] | None = None
    """Sub-app mounted as `<slug> <name> …` in the project CLI."""
    cli_aliases: tuple[str, ...] = ()
    """Extra names for the same sub-app (the database's `db`)."""
    commands: Callable[[], Mapping[str, typer.Typer]] | None = None
    """Further top-level command groups by name (the worker's `<slug> load-test run`)."""
    dashboard_card: Callable[[ComponentHealth], DashboardCard] | None = None
    """Builds this component's dashboard card from its latest health; a default card
    (status, message, metadata) is shown when absent."""
    extras: dict[str, object] = field(default_factory=dict)
    """Free-form data other packages may read (kept out of the typed contract on purpose)."""
