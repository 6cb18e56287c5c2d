"""The project CLI in-process (typer's CliRunner) against a real uvicorn server.

test_integration.py runs the CLI as a user does (a subprocess, components discovered in it);
here the same commands run in-process, which lets each error path be pinned down quickly.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from aegis_core.cli import build_cli
from aegis_core.health.models import DetailedHealth, HealthSummary
from aegis_core.testing import RunningServer, free_port, run_server
from aegis_core.testing.packages import on_path, write_distribution
from typer.testing import CliRunner

APP = """
from aegis_core import CoreSettings, create_app

app = create_app(
    CoreSettings(APP_NAME="cli-app", DASHBOARD_ENABLED=False), project_package="no_project"
)
"""

runner = CliRunner()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    root = tmp_path_factory.mktemp("cli-app")
    (root / "cliapp.py").write_text(APP)
    with run_server("cliapp:app", cwd=root, env={"AEGIS_COMPONENTS": "none"}) as running:
        yield running


@pytest.fixture(autouse=True)
def no_components(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AEGIS_COMPONENTS", "none")
    monkeypatch.delenv("AEGIS_SERVER_URL", raising=False)


def test_status_prints_the_tree_and_exits_0_when_healthy(server: RunningServer) -> None:
    result = runner.invoke(build_cli("cli-app"), ["health", "status", "--url", server.url])

    assert result.exit_code == 0, result.output
    assert "cli-app" in result.stdout and "backend" in result.stdout
    assert "frontend" in result.stdout and "dashboard disabled" in result.stdout


def test_status_json_is_the_summary_or_the_whole_tree(server: RunningServer) -> None:
    cli = build_cli("cli-app")

    summary = runner.invoke(cli, ["health", "status", "--json", "--url", server.url])
    detailed = runner.invoke(cli, ["health", "status", "--json", "--detailed", "--url", server.url])

    assert summary.exit_code == detailed.exit_code == 0
    assert set(HealthSummary.model_validate_json(summary.stdout).components) == {
        "backend",
        "frontend",
    }
    tree = DetailedHealth.model_validate_json(detailed.stdout)
    assert tree.app_name == "cli-app"
    assert tree.components["backend"].metadata["process_rss_mb"] > 0


def test_server_url_comes_from_the_environment(
    server: RunningServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AEGIS_SERVER_URL", server.url + "/")

    result = runner.invoke(build_cli("cli-app"), ["health", "probe"])

    assert (result.exit_code, result.stdout) == (0, "info\n")  # info: the dashboard is off


def test_a_server_that_is_not_aegis_is_named(server: RunningServer) -> None:
    result = runner.invoke(build_cli("cli-app"), ["health", "status", "--url", server.url + "/x"])

    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {server.url}/x/health/detailed answered HTTP 404; is this an Aegis app?\n"
    )


def test_unreachable_server_is_one_line_without_traceback() -> None:
    url = f"http://127.0.0.1:{free_port()}"

    result = runner.invoke(build_cli("cli-app"), ["health", "status", "--url", url])

    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: cannot reach the server at {url} (ConnectError); start it with `serve`\n"
    )
    assert isinstance(result.exception, SystemExit)  # a clean exit, not a crash


FAULTY_CLIS = """
import typer
from aegis_core import Component


def broken_cli(commands):
    commands.add(typer.Typer(), name="half-built")
    raise RuntimeError("typer app failed to build")


def shadowing_cli(commands):
    commands.add(typer.Typer())


faulty = Component(cli=broken_cli)
shadow = Component(cli=shadowing_cli)
"""


def test_a_component_cli_that_fails_or_clashes_is_reported_not_fatal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_distribution(
        tmp_path,
        "aegis-t-faulty",
        "1.0.0",
        modules={"aegis_t_faulty.py": FAULTY_CLIS},
        entry_points={"faulty": "aegis_t_faulty:faulty", "health": "aegis_t_faulty:shadow"},
    )
    monkeypatch.setenv("AEGIS_COMPONENTS", "faulty,health")
    with on_path(tmp_path):
        cli = build_cli("cli-app")
    warnings = capsys.readouterr().err
    result = runner.invoke(cli, ["health", "--help"])

    assert result.exit_code == 0
    assert "status" in result.stdout and "probe" in result.stdout  # core `health` intact
    assert "`faulty` commands unavailable: RuntimeError: typer app failed" in warnings
    assert "`health` from health hidden: the name is a core command" in warnings
    half = runner.invoke(cli, ["half-built", "--help"])  # a failed hook adds nothing
    assert half.exit_code == 2 and "No such command 'half-built'" in half.output


@pytest.mark.usefixtures("installed_demo")
def test_components_lists_installed_versions_and_problems(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AEGIS_COMPONENTS", "good,legacy")

    result = runner.invoke(build_cli("cli-app"), ["components", "--json"])

    assert result.exit_code == 0, result.output
    rows = {row["name"]: row for row in json.loads(result.stdout)["components"]}
    assert rows["good"] == {  # all read from the distribution's metadata
        "name": "good",
        "kind": "component",
        "version": "1.2.3",
        "supports_core": "<0.2,>=0.1",
        "status": "loaded",
        "message": "A healthy demo.",
    }
    assert rows["legacy"]["status"] == "incompatible"
    assert rows["hang"]["status"] == "disabled"
