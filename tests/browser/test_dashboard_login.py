"""The dashboard behind a login, in chromium: with auth installed, `/dashboard/` shows a login
form and nothing of the dashboard; a wrong password and a user who is not a superuser are each
refused with one line; the superuser sees the cards, the auth card's figures among them."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.browser.session import BrowserSession

CARD_TEXT = ("Superusers", "superusers)", "parts are working", "Health checks:")
"""What only the dashboard itself shows: the auth card, the headline, the history line."""


def log_in(browser: BrowserSession, email: str, password: str) -> None:
    browser.type_into("Email", email)
    browser.type_into("Password", password)
    browser.click(role="button", name="Log in")


def nothing_of_the_dashboard(browser: BrowserSession, url: str) -> None:
    text = browser.body_text()
    assert not any(part in text for part in CARD_TEXT), text
    # the disconnected overlay's state is served to anyone: on a guarded dashboard it is empty
    assert httpx.get(f"{url}/dashboard/aegis-state.json", timeout=10).json() == {}


def test_only_a_superuser_logs_in_to_the_dashboard(tmp_path: Path) -> None:
    from aegis_auth.testing import make_project

    project = make_project(tmp_path / "proj", f"sqlite:///{tmp_path / 'auth.db'}")
    created = project.cli("create-test-users", "--count", "3")
    assert created.returncode == 0, created.output
    with (
        project.serve(DASHBOARD_REFRESH_SECONDS="1") as client,
        BrowserSession() as browser,
    ):
        browser.goto(f"{client.url}/dashboard/", flet=True)
        assert browser.expect("Log in as a superuser to see the dashboard."), browser.body_text()
        nothing_of_the_dashboard(browser, client.url)

        log_in(browser, "admin@example.com", "not-the-password")
        assert browser.expect("Wrong email or password"), browser.body_text()
        log_in(browser, "user1@example.com", "password123")
        assert browser.expect("Only a superuser may use the dashboard"), browser.body_text()
        nothing_of_the_dashboard(browser, client.url)
        browser.screenshot("dashboard-login-refused.png")
        assert browser.serious_accessibility_violations() == []

        log_in(browser, "admin@example.com", "admin123")
        # 3 users, 1 superuser; user1's and admin's logins, and the wrong password
        assert browser.expect("3 users (1 superusers); last 24 h: 2 logins, 1 failed"), (
            browser.body_text()
        )
        text = browser.body_text()
        for row in ("Users\n3", "Superusers\n1", "Logins (24 h)\n2", "Failed logins (24 h)\n1"):
            assert row in text, text  # the auth card's rows, label above value
        assert browser.gone("Log in as a superuser")  # the form gave way to the dashboard
        browser.screenshot("dashboard-login-superuser.png")
        # still nothing for a browser that did not log in
        assert httpx.get(f"{client.url}/dashboard/aegis-state.json", timeout=10).json() == {}


def test_with_the_guard_off_the_dashboard_opens_without_a_login(tmp_path: Path) -> None:
    from aegis_auth.testing import make_project

    project = make_project(tmp_path / "proj", f"sqlite:///{tmp_path / 'auth.db'}")
    with (
        project.serve(AUTH_PROTECT_OPERATOR_SURFACES="false") as client,
        BrowserSession() as browser,
    ):
        browser.goto(f"{client.url}/dashboard/", flet=True)
        assert browser.expect("0 users (0 superusers)"), browser.body_text()
        assert "Log in" not in browser.body_text()
