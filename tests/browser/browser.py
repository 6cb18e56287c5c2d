"""Render a page in the machine's real chromium and report what a user would see.

    from tests.browser.browser import render_dashboard

    report = render_dashboard(f"{server.url}/dashboard/", ["my-app", "Backend"], "my-test.png")
    assert not report["missing"], report

The work is done by `render.mjs` (playwright-core driving /usr/bin/chromium; no browser is
ever downloaded). This module checks the prerequisites first and names the one that is
missing: a test skips locally and fails under `CI=true` (`aegis_core.testing.services.require`).
`npm ci` runs once, when `node_modules` is absent.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from aegis_core.testing import require
from filelock import FileLock

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
ARTIFACTS = REPO / "test-artifacts"
"""Screenshots land here (gitignored), so a failed CI run can be looked at."""
SCRIPT = HERE / "render.mjs"
NODE_PACKAGES = ("playwright-core", "axe-core")
"""What package.json installs; all must be present (an older checkout may lack axe-core)."""

HARMLESS_CONSOLE_ERRORS = ("rive_native.js",)
"""Flet's client always asks a CDN for the Rive runtime; our CSP blocks it before any network
access, and the page works without it. Anything else on the console is worth a look."""
BLOCKED_BEFORE_NETWORK = frozenset({"csp", "net::ERR_BLOCKED_BY_CSP"})


class BrowserHarnessError(RuntimeError):
    """render.mjs could not render the page (not: an expected text was missing)."""


def chromium_path() -> str:
    return os.environ.get("CHROMIUM", "/usr/bin/chromium")


def ensure_prerequisites() -> None:
    """Chromium, node and npm present, and playwright-core installed; else skip/fail by name."""
    chromium = chromium_path()
    require(
        os.access(chromium, os.X_OK),
        f"chromium at {chromium} (apt-get install chromium, or set CHROMIUM=/path/to/chromium)",
    )
    require(shutil.which("node") is not None, "node >= 18 on PATH (apt-get install nodejs)")
    require(shutil.which("npm") is not None, "npm on PATH (apt-get install npm)")
    _install_node_modules()


def _install_node_modules() -> None:
    """`npm ci` once; a file lock keeps parallel test workers from installing twice."""
    markers = [HERE / "node_modules" / name / "package.json" for name in NODE_PACKAGES]
    if all(m.exists() for m in markers):
        return
    lock_path = Path(tempfile.gettempdir()) / "aegis-browser-npm.lock"
    with FileLock(lock_path):
        if all(m.exists() for m in markers):
            return
        command = ["npm", "ci", "--no-audit", "--no-fund"]
        if not (HERE / "package-lock.json").exists():
            command[1] = "install"
        result = subprocess.run(command, cwd=HERE, capture_output=True, text=True, timeout=300)
        tail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        require(
            result.returncode == 0 and all(m.exists() for m in markers),
            f"{', '.join(NODE_PACKAGES)} in tests/browser/node_modules "
            + f"(`{' '.join(command)}` failed: "
            + " / ".join(tail)
            + ")",
        )


def render_dashboard(
    url: str,
    expect_texts: list[str],
    screenshot_path: str | Path,
    *,
    timeout: float = 30.0,
) -> dict[str, Any]:
    """Open `url`, wait for each of `expect_texts`, save a screenshot; return render.mjs' report.

    The report has `found`, `missing`, `console_errors`, `external_requests` ({url, outcome}),
    `screenshot` and `elapsed_ms`. A relative `screenshot_path` goes under test-artifacts/.
    Raises `BrowserHarnessError` when the harness itself fails (browser would not start, page
    never loaded); a missing text is reported in `missing`, for the test to assert on.
    """
    ensure_prerequisites()
    screenshot = Path(screenshot_path)
    if not screenshot.is_absolute():
        screenshot = ARTIFACTS / screenshot
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    command = ["node", str(SCRIPT), "--url", url, "--screenshot", str(screenshot)]
    command += ["--timeout", str(int(timeout * 1000))]
    for text in expect_texts:
        command += ["--expect", text]
    result = subprocess.run(
        command,
        cwd=HERE,
        capture_output=True,
        text=True,
        timeout=timeout * 3 + 30,  # page load, semantics, then all texts share one deadline
        env={**os.environ, "CHROMIUM": chromium_path()},
    )
    report = _parse_report(result)
    if result.returncode not in (0, 1):
        raise BrowserHarnessError(f"render.mjs failed: {report.get('error') or result.stderr}")
    return report


def _parse_report(result: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    lines = result.stdout.strip().splitlines()
    try:
        report: dict[str, Any] = json.loads(lines[-1])
    except (IndexError, json.JSONDecodeError) as exc:
        raise BrowserHarnessError(
            f"render.mjs printed no report (exit {result.returncode}): "
            f"{result.stderr.strip() or result.stdout.strip()}"
        ) from exc
    return report


def unexpected_console_errors(report: dict[str, Any]) -> list[str]:
    """Console errors other than the known, harmless blocked Rive script."""
    return [
        message
        for message in report["console_errors"]
        if not any(known in message for known in HARMLESS_CONSOLE_ERRORS)
    ]


def requests_that_left(report: dict[str, Any]) -> list[dict[str, str]]:
    """External requests that reached the network layer (not stopped by the page's CSP)."""
    return [r for r in report["external_requests"] if r["outcome"] not in BLOCKED_BEFORE_NETWORK]
