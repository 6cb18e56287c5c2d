"""What a user sees of one installed component: its `/health/detailed` entry (from a real app
over the ASGI interface) and its row in `<slug> components --json`.

For tests of component packages that assert on those two views, e.g. that a placeholder
package says "not built yet" instead of "healthy: loaded".
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aegis_core.health.models import ComponentHealth, DetailedHealth

if TYPE_CHECKING:
    from aegis_core.component import Component
    from aegis_core.dashboard.cards import CardContent


@dataclass(frozen=True)
class UserView:
    health: ComponentHealth
    """The component's entry in `GET /health/detailed`."""
    listing: dict[str, Any]
    """Its row in `<slug> components --json`."""
    http_status: int
    """The status code of `GET /health` with the component installed."""


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    previous = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def user_view(name: str, *, project_dir: Path, also: tuple[str, ...] = ()) -> UserView:
    """Load `name` (plus `also`, its requirements) in a fresh app and CLI; report both views.

    `project_dir` is where the components may write (a SQLite file for the database).
    """
    from fastapi.testclient import TestClient
    from typer.testing import CliRunner

    from aegis_core.app import create_app
    from aegis_core.cli import build_cli
    from aegis_core.settings import CoreSettings

    variables = {"AEGIS_COMPONENTS": ",".join((name, *also)), "AEGIS_PROJECT_DIR": str(project_dir)}
    with _environment(variables):
        app = create_app(CoreSettings(DASHBOARD_ENABLED=False), project_package="no_project")
        with TestClient(app) as client:
            summary = client.get("/health")
            detailed = DetailedHealth.model_validate(client.get("/health/detailed").json())
        listed = CliRunner().invoke(build_cli("demo"), ["components", "--json"])
    assert listed.exit_code == 0, listed.output
    rows = {row["name"]: row for row in json.loads(listed.stdout)["components"]}
    health = {**detailed.components, **detailed.services}[name]
    return UserView(health=health, listing=rows[name], http_status=summary.status_code)


def dashboard_view(health: ComponentHealth, component: Component | None) -> CardContent:
    """The card the dashboard shows for `health`: the component's own card, or the default one
    when it has none or its builder fails (the dashboard never raises on a component's code)."""
    from aegis_core.dashboard.cards import card_content

    return card_content(health, component)
