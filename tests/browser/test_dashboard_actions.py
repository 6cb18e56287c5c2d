"""Actions on the dashboard, in chromium: a component contributes a button through the
`Component` contract; the page confirms, refuses a bad value with its reason, and an action
that ran changes what the page shows at once."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from aegis_core.testing import run_server, write_distribution

from tests.browser.session import BrowserSession

COUNTER = '''
"""A demo component: a counter people add to from the dashboard."""
from collections.abc import Mapping

from aegis_core import Component, ComponentHealth, HealthStatus
from aegis_core.component import DashboardAction

clicks = 0


async def health_check() -> ComponentHealth:
    return ComponentHealth(
        name="counter", status=HealthStatus.HEALTHY, message=f"{clicks} clicks counted"
    )


async def add(values: Mapping[str, str]) -> str:
    global clicks
    amount = values["amount"]
    if not amount.isdigit() or not 1 <= int(amount) <= 100:
        raise ValueError(f"amount must be a whole number from 1 to 100, not {amount!r}")
    clicks += int(amount)
    return f"added {amount}"


component = Component(
    health_check=health_check,
    dashboard_actions=lambda: [
        DashboardAction(
            label="Add clicks", run=add, fields=("amount",), confirm="Add to the counter."
        )
    ],
)
'''
APP = """
from aegis_core import CoreSettings, create_app

settings = CoreSettings(APP_NAME="actions-app", DASHBOARD_REFRESH_SECONDS=60)
app = create_app(settings, project_package="no_project")
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("site")
    write_distribution(
        root,
        "aegis-counter",
        "1.0.0",
        modules={"aegis_counter.py": COUNTER},
        entry_points={"counter": "aegis_counter:component"},
        requires=["aegis-core>=0.1,<0.2"],
        keywords=["aegis-component"],
    )
    (root / "actions_app.py").write_text(APP)
    return root


def test_an_action_is_confirmed_validated_and_its_effect_shown(site: Path) -> None:
    env = {
        "AEGIS_COMPONENTS": "counter",
        "PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")]),
    }
    with (
        run_server("actions_app:app", cwd=site, env=env) as server,
        BrowserSession() as browser,
    ):
        browser.goto(f"{server.url}/dashboard/", flet=True)
        assert browser.expect("0 clicks counted"), browser.body_text()

        browser.click(role="button", name="Add clicks")
        assert browser.expect("Add to the counter."), browser.body_text()  # asked first
        browser.type_into("amount", "lots")
        browser.click(role="button", name="Run")
        assert browser.expect("Not done: amount must be a whole number from 1 to 100"), (
            browser.body_text()
        )
        browser.type_into("amount", "3")
        browser.click(role="button", name="Run")

        # the refresh interval is a minute: what shows now is the action's doing
        assert browser.expect("Add clicks: Done: added 3"), browser.body_text()
        assert browser.expect("3 clicks counted"), browser.body_text()
        browser.screenshot("dashboard-action-desktop.png")
        assert browser.serious_accessibility_violations() == []


def test_with_auth_installed_the_logged_in_superuser_acts_without_typing_it_again(
    site: Path, tmp_path: Path
) -> None:
    from aegis_auth.testing import make_project

    project = make_project(tmp_path / "proj", f"sqlite:///{tmp_path / 'auth.db'}")
    created = project.cli("create-test-users")
    assert created.returncode == 0, created.output
    pythonpath = os.pathsep.join([project.env["PYTHONPATH"], str(site)])
    env = {
        "AEGIS_COMPONENTS": "auth,database,counter",
        "PYTHONPATH": pythonpath,
        "DASHBOARD_REFRESH_SECONDS": "60",
    }
    with project.serve(**env) as client, BrowserSession() as browser:
        browser.goto(f"{client.url}/dashboard/", flet=True)
        browser.type_into("Email", "admin@example.com")
        browser.type_into("Password", "admin123")
        browser.click(role="button", name="Log in")
        assert browser.expect("0 clicks counted"), browser.body_text()

        browser.click(role="button", name="Add clicks")
        assert browser.expect("Add to the counter."), browser.body_text()
        assert "password" not in browser.body_text().lower()  # the page's login covers it
        browser.type_into("amount", "2")
        browser.click(role="button", name="Run")
        assert browser.expect("Add clicks: Done: added 2"), browser.body_text()
        assert browser.expect("2 clicks counted"), browser.body_text()

        # demoted while the page is open: the next action is refused, and does not run
        demoted = project.cli("promote", "admin@example.com", "--revoke")
        assert demoted.returncode == 0, demoted.output
        browser.click(role="button", name="Add clicks")
        browser.type_into("amount", "5")
        browser.click(role="button", name="Run")
        assert browser.expect("Only a superuser may use the dashboard"), browser.body_text()

        promoted = project.cli("promote", "admin@example.com")
        assert promoted.returncode == 0, promoted.output
        browser.click(role="button", name="Run")  # the same dialog, once more
        assert browser.expect("Add clicks: Done: added 5"), browser.body_text()
        assert browser.expect("7 clicks counted"), browser.body_text()  # not 12: refused = not run
