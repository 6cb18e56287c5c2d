"""The `aegis` command. Only typer is imported here; each command imports its own module
when it runs, so `aegis --help` answers fast."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from aegis_cli.errors import AegisError

app = typer.Typer(
    help=(
        "Aegis: start a FastAPI + Flet + Typer app and keep growing it.\n\n"
        "Components (database, scheduler, worker, …) and services (auth, ai) live in their own "
        "aegis-* packages; your project holds only thin stubs, so each upgrades on its own."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain click help: importing rich.markdown would double --help time
)

ComponentsOption = Annotated[
    str | None,
    typer.Option(
        "--components",
        "-c",
        help="Comma list of components, e.g. 'worker,scheduler[sqlite]' (see `aegis components`).",
    ),
]
ServicesOption = Annotated[
    str | None,
    typer.Option(
        "--services", "-s", help="Comma list of services, e.g. 'auth' (see `aegis services`)."
    ),
]


@app.command()
def init(
    name: Annotated[str, typer.Argument(help="Project name: its folder, package and CLI command.")],
    output_dir: Annotated[
        Path, typer.Option("--output-dir", "-o", help="Folder to create the project in.")
    ] = Path("."),
    components: ComponentsOption = None,
    services: ServicesOption = None,
    no_interactive: Annotated[
        bool, typer.Option("--no-interactive", help="Never prompt; use the flags as given.")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    python: Annotated[
        str, typer.Option("--python", help="Python version for the project.")
    ] = "3.11",
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show the plan and write nothing.")
    ] = False,
) -> None:
    """Create a new project: render it, install it with uv, make the first git commit."""
    from aegis_cli.commands import init as command
    from aegis_cli.interactive import ask_selection

    interactive = sys.stdin.isatty() and not (no_interactive or yes)
    if interactive and components is None and services is None:
        components, services = ask_selection()
    plan = command.plan_init(name, output_dir, components, services, python)
    command.show_plan(plan)
    if dry_run:
        typer.echo("Dry run: nothing was written.")
        return
    if interactive and not typer.confirm("Create this project?", default=True):
        raise typer.Exit(1)
    command.execute_init(plan)


@app.command()
def version() -> None:
    """Print the versions of aegis-cli and of the project template."""
    from importlib.metadata import version as dist_version

    from aegis_cli.paths import template_version

    typer.echo(
        f"aegis-cli {dist_version('aegis-cli')} (project template {template_version('project')})"
    )


@app.command("components")
def list_components() -> None:
    """List the components you can add (infrastructure: database, scheduler, worker, …)."""
    from aegis_cli.commands.catalog import print_catalog

    print_catalog("component")


@app.command("services")
def list_services() -> None:
    """List the services you can add (business features: auth, ai)."""
    from aegis_cli.commands.catalog import print_catalog

    print_catalog("service")


def main() -> None:
    """Entry point: expected failures become one line on stderr and an exit code."""
    try:
        app()
    except AegisError as exc:
        from aegis_cli.console import error

        error(exc.message, exc.hint)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        from aegis_cli.console import error

        error("interrupted; nothing was changed")
        sys.exit(130)
