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


ProjectPathOption = Annotated[
    Path,
    typer.Option("--project-path", "-p", help="The project to change (default: this folder)."),
]
YesOption = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
DryRunOption = Annotated[
    bool, typer.Option("--dry-run", help="Show what would change and change nothing.")
]
ForceOption = Annotated[
    bool, typer.Option("--force", help="Proceed even when git shows uncommitted changes.")
]
NamesArgument = Annotated[
    str, typer.Argument(help="Comma list, e.g. 'worker,scheduler[sqlite]'.", show_default=False)
]


def _lifecycle_command(name: str, verb: str, kind: str, doc: str) -> None:
    """Register `aegis <name>`: add/remove share one signature and differ only in the verb
    and the kind of thing they accept."""

    def command(
        names: NamesArgument,
        project_path: ProjectPathOption = Path("."),
        yes: YesOption = False,
        dry_run: DryRunOption = False,
        force: ForceOption = False,
    ) -> None:
        from importlib import import_module

        run = getattr(import_module(f"aegis_cli.commands.{verb}"), f"run_{verb}")
        run(names, kind, project_path, yes=yes, dry_run=dry_run, force=force)

    command.__doc__ = doc
    app.command(name)(command)


_lifecycle_command(
    "add",
    "add",
    "component",
    "Add components: their aegis-* package (uv add), stubs, compose service, settings.",
)
_lifecycle_command(
    "add-service",
    "add",
    "service",
    "Add services (auth, ai), with the components they require.",
)
_lifecycle_command(
    "remove",
    "remove",
    "component",
    "Remove components: package, compose service, settings, and every stub you did not edit.",
)
_lifecycle_command(
    "remove-service", "remove", "service", "Remove services; edited files stay and are listed."
)


@app.command()
def status(
    project_path: ProjectPathOption = Path("."),
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Show installed components and services, their versions, and drift with fixes."""
    from aegis_cli.commands.status import run_status

    run_status(project_path, as_json=as_json)


@app.command()
def upgrade(
    name: Annotated[str, typer.Argument(help="Component or service, e.g. scheduler.")],
    to: Annotated[
        str | None, typer.Option("--to", help="Exact version to move to (default: newest).")
    ] = None,
    project_path: ProjectPathOption = Path("."),
    dry_run: DryRunOption = False,
    force: ForceOption = False,
) -> None:
    """Upgrade one aegis-* package (uv lock --upgrade-package) and its unedited stubs."""
    from aegis_cli.commands.upgrade import run_upgrade

    run_upgrade(name, to, project_path, dry_run=dry_run, force=force)


@app.command()
def update(
    project_path: ProjectPathOption = Path("."),
    to_version: Annotated[
        str | None,
        typer.Option("--to-version", help="Template version to move to (default: newest)."),
    ] = None,
    dry_run: DryRunOption = False,
) -> None:
    """Bring the project scaffold to a newer template version (copier 3-way merge)."""
    from aegis_cli.commands.update import run_update

    run_update(project_path, to_version, dry_run=dry_run)


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
