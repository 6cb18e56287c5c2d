"""The contract between aegis-core and every Aegis package: one `Component` object.

A package exposes it through the entry-point group `aegis.components`; the entry point's name
is the component's name. In its pyproject::

    [project]
    name = "aegis-audit"                    # the distribution: its version is the component's
    version = "0.1.0"
    description = "Audit trail."            # what `<slug> components` shows
    keywords = ["aegis-component"]          # or "aegis-service"
    dependencies = [
        "aegis-core>=0.1,<0.2",             # the aegis-core range it supports
        "aegis-database>=0.1,<0.2",         # a component it needs loaded (optional)
    ]

    [project.entry-points."aegis.components"]
    audit = "aegis_audit.component:component"

So name, version, kind, description, the supported aegis-core range and the other components
it needs are written once, in the pyproject, and discovery reads them from there (see
`discover_components`). The object itself holds only what the package adds to a project,
each part optional::

    component = Component(settings=AuditSettings, health_check=check, routers=routers)

Heavy parts (routers, CLI) are factories, so discovering components stays cheap: a package's
dependencies are imported only when the app or the CLI actually needs that part.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    import typer
    from fastapi import APIRouter, FastAPI
    from pydantic_settings import BaseSettings

    from aegis_core.health.models import ComponentHealth

__all__ = [
    "ENTRY_POINT_GROUP",
    "CliCommands",
    "Component",
    "ComponentKind",
    "DashboardAction",
    "DashboardCard",
    "DeferredRouter",
    "HealthCheck",
    "Lifespan",
]

ComponentKind = Literal["component", "service"]
"""`service` when the distribution's keywords say `aegis-service`, else `component`."""

ENTRY_POINT_GROUP = "aegis.components"

HealthCheck = Callable[[], Awaitable["ComponentHealth"]]
"""An async check returning the component's health (sub-components allowed)."""

Lifespan = Callable[["FastAPI"], AbstractAsyncContextManager[None]]
"""Entered by the host app at startup, exited at shutdown (in reverse order)."""


class CliCommands(Protocol):
    """What a component's `cli` hook receives: the project CLI, as far as it may touch it."""

    def add(self, app: typer.Typer, name: str | None = None) -> None:
        """Mount `app` as `<slug> <name> …`; `name` defaults to the component's name.

        A name that is a core command (`health`, `serve`, `components`) or already taken is
        reported on stderr and skipped: a component never shadows someone else's commands.
        """


@dataclass(frozen=True, kw_only=True)
class DashboardCard:
    """What the dashboard shows for one component: plain data, rendered by aegis-core."""

    title: str
    """The card's heading, e.g. ``"Worker"``."""
    rows: Sequence[tuple[str, str]] = ()
    """Label and value pairs, e.g. ``[("Queued", "3"), ("Workers", "1")]``."""


@dataclass(frozen=True, kw_only=True)
class DashboardAction:
    """A button on the component's dashboard card. The page asks the person to confirm (and,
    with auth installed, to be a superuser) before `run` is called."""

    label: str
    """The button, e.g. ``"Run daily_report now"``."""
    run: Callable[[Mapping[str, str]], Awaitable[str]]
    """Does it: gets the values typed into `fields` and returns the one line the page shows,
    e.g. ``"queued job 3f2a"``. A `ValueError` means a value was wrong: its message is shown
    and nothing else happens."""
    fields: Sequence[str] = ()
    """What to ask before it runs, e.g. ``("iterations",)``; validate them in `run`."""
    confirm: str = ""
    """What the confirmation says will happen, e.g. ``"Enqueue 100 jobs on load_test"``."""


@dataclass(frozen=True)
class DeferredRouter:
    """A router made on first use instead of at start-up, for one whose making is slow (it
    imports a heavy library or the user's modules). It owns every path under `path`; the
    first request there, the OpenAPI schema or the app's warm-up (whichever comes first,
    usually the warm-up, right after the server answers) calls `build` once::

        routers=lambda: [DeferredRouter("/worker", build_router)]  # serves /api/worker/…
    """

    path: str
    """The prefix every route of the built router starts with, e.g. ``"/worker"``."""
    build: Callable[[], APIRouter]


@dataclass(frozen=True, kw_only=True)
class Component:
    """What one installed Aegis package adds to a project. Every part is optional."""

    settings: type[BaseSettings] | None = None
    """Settings class merged into the project's settings (see `compose_settings`), e.g.
    ``settings=WorkerSettings`` makes ``settings.REDIS_URL`` work in the project."""

    health_check: HealthCheck | None = None
    """Async check behind this component's entry in `/health`, e.g.
    ``async def health_check() -> ComponentHealth: ...``; without one it reports "loaded"."""

    routers: Callable[[], Sequence[APIRouter | DeferredRouter]] | None = None
    """Factory of routers mounted under the project's API prefix, e.g.
    ``routers=lambda: [build_router()]`` serves ``/api/audit/…``; a `DeferredRouter` is
    made after start-up."""

    middleware: Callable[[FastAPI], None] | None = None
    """Adds ASGI middleware around the whole app (API, docs, dashboard), called once by
    `create_app` after everything is mounted, e.g. to refuse admin pages to outside clients::

        def middleware(app: FastAPI) -> None:
            from aegis_ingress.allowlist import AdminAllowlist  # import only here

            app.add_middleware(AdminAllowlist)
    """

    lifespan: Lifespan | None = None
    """Async context manager around the app's life, e.g. to open and close a pool::

        @asynccontextmanager
        async def lifespan(app: FastAPI) -> AsyncIterator[None]:
            yield
            await close_pool()
    """

    cli: Callable[[CliCommands], None] | None = None
    """The one hook that adds commands to the project CLI, called when `<slug>` starts::

        def cli(commands: CliCommands) -> None:
            from aegis_database.cli import app  # import the CLI only here

            commands.add(app)              # <slug> database …
            commands.add(app, name="db")   # <slug> db …, the same commands
    """

    dashboard_card: Callable[[ComponentHealth], DashboardCard] | None = None
    """Builds the dashboard card from the latest health, e.g.
    ``lambda health: DashboardCard(title="Worker", rows=[("Queued", "3")])``; without one a
    default card shows status, message and metadata."""

    dashboard_actions: Callable[[], Sequence[DashboardAction]] | None = None
    """Factory of the buttons on the card, called when the dashboard draws it, e.g.
    ``lambda: [DashboardAction(label="Retry failed jobs", run=retry_failed)]``."""

    not_built: str = ""
    """For a package that is installable but has no features yet: what is missing, e.g.
    ``"no chat routes yet"``. Its health is then `info` ("not built yet: …") and
    `<slug> components` says `not built`, so nobody mistakes a reserved name for a feature."""
