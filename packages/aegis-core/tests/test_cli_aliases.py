"""A component's CLI aliases (`<slug> db …` for the database) reach the same sub-app."""

from __future__ import annotations

from pathlib import Path

from aegis_core.cli.main import build_cli
from aegis_core.testing.packages import on_path, write_distribution
from typer.testing import CliRunner

COMPONENT = """
import typer
from aegis_core.component import Component

def cli() -> typer.Typer:
    app = typer.Typer()

    @app.command()
    def hello() -> None:
        typer.echo("hello from stores")

    @app.command()
    def other() -> None:
        typer.echo("other")

    return app

component = Component(name="stores", version="1.0", supports_core=">=0", cli=cli,
                      cli_aliases=("st", "health"))
"""


def test_alias_mounts_the_same_commands_and_never_shadows_core(tmp_path: Path) -> None:
    write_distribution(
        tmp_path,
        "aegis-stores",
        "1.0",
        modules={"aegis_stores.py": COMPONENT},
        entry_points={"stores": "aegis_stores:component"},
    )
    with on_path(tmp_path):
        cli = build_cli("demo")
        runner = CliRunner()
        assert runner.invoke(cli, ["stores", "hello"]).output.strip() == "hello from stores"
        assert runner.invoke(cli, ["st", "hello"]).output.strip() == "hello from stores"
        assert "Ask the running server" in runner.invoke(cli, ["health", "--help"]).output


GROUPS = """
import typer
from aegis_core.component import Component

def group(text: str) -> typer.Typer:
    app = typer.Typer()

    @app.command()
    def run() -> None:
        typer.echo(text)

    @app.command()
    def other() -> None:
        typer.echo("other")

    return app

component = Component(
    name="bench", version="1.0", supports_core=">=0",
    commands=lambda: {"load-test": group("loading"), "serve": group("never")},
)
"""


def test_command_groups_are_mounted_and_never_shadow_core(tmp_path: Path) -> None:
    write_distribution(
        tmp_path,
        "aegis-bench",
        "1.0",
        modules={"aegis_bench.py": GROUPS},
        entry_points={"bench": "aegis_bench:component"},
    )
    with on_path(tmp_path):
        cli = build_cli("demo")
        runner = CliRunner()
        assert runner.invoke(cli, ["load-test", "run"]).output.strip() == "loading"
        assert "Serve the API" in runner.invoke(cli, ["serve", "--help"]).output
