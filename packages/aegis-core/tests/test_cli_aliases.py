"""A component's `cli` hook: one sub-app under several names, extra groups, no shadowing."""

from __future__ import annotations

from pathlib import Path

from aegis_core.cli import build_cli
from aegis_core.testing.packages import on_path, write_distribution
from typer.testing import CliRunner

COMPONENT = """
import typer
from aegis_core.component import Component


def group(text: str) -> typer.Typer:
    app = typer.Typer()

    @app.command()
    def hello() -> None:
        typer.echo(text)

    @app.command()
    def other() -> None:
        typer.echo("other")

    return app


def cli(commands) -> None:
    stores = group("hello from stores")
    commands.add(stores)                         # <slug> stores
    commands.add(stores, name="st")              # an alias
    commands.add(stores, name="health")          # a core command: refused
    commands.add(group("loading"), name="load")  # a group of its own
    commands.add(group("never"), name="serve")   # a core command: refused


component = Component(cli=cli)
"""


def test_hook_mounts_aliases_and_groups_and_never_shadows_core(tmp_path: Path) -> None:
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
        assert runner.invoke(cli, ["load", "hello"]).output.strip() == "loading"
        assert "Same as `demo stores`" in runner.invoke(cli, ["--help"]).output
        assert "Ask the running server" in runner.invoke(cli, ["health", "--help"]).output
        assert "Serve the API" in runner.invoke(cli, ["serve", "--help"]).output
