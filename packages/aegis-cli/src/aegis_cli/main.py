"""The `aegis` command. Only typer is imported here; each command imports its own module
when it runs, so `aegis --help` answers fast."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from aegis_cli.commands.deploy import register as register_deploy_commands
from aegis_cli.commands.index import index_app
from aegis_cli.errors import INTERRUPTED_EXIT, AegisError, Interrupted

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


@app.command("new-component")
def new_component(
    name: Annotated[str, typer.Argument(help="Short name, e.g. audit: package aegis-audit.")],
    output_dir: Annotated[
        Path, typer.Option("--output-dir", "-o", help="Folder to create aegis-NAME in.")
    ] = Path("."),
    description: Annotated[
        str | None, typer.Option("--description", help="One line: what the component does.")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show the plan and write nothing.")
    ] = False,
) -> None:
    """Start a third-party component package: entry point, Component, stubs, tests."""
    from aegis_cli.commands import new_component as command

    plan = command.plan_new_component(name, output_dir, description, dry_run=dry_run)
    command.show_plan(plan)
    if dry_run:
        typer.echo("Dry run: nothing was written.")
        return
    command.create_component_package(plan)


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
EXAMPLES = {"component": "'worker,scheduler[sqlite]'", "service": "'auth' or 'auth,ai'"}


def _lifecycle_command(name: str, verb: str, kind: str, doc: str) -> None:
    """Register `aegis <name>`: add/remove share one signature and differ only in the verb
    and the kind of thing they accept."""

    def command(
        names: str,
        project_path: ProjectPathOption = Path("."),
        yes: YesOption = False,
        dry_run: DryRunOption = False,
        force: ForceOption = False,
    ) -> None:
        from importlib import import_module

        run = getattr(import_module(f"aegis_cli.commands.{verb}"), f"run_{verb}")
        run(names, kind, project_path, yes=yes, dry_run=dry_run, force=force)

    command.__doc__ = doc
    names_help = f"Comma list of {kind}s, e.g. {EXAMPLES[kind]} (see `aegis {kind}s`)."
    # Set after the fact: the help differs per kind, and string annotations cannot see locals.
    command.__annotations__["names"] = Annotated[
        str, typer.Argument(help=names_help, show_default=False)
    ]
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
    repair: Annotated[
        bool,
        typer.Option(
            "--repair",
            help="Rebuild a deleted or damaged .aegis/manifest.json from the stub templates.",
        ),
    ] = False,
) -> None:
    """Show installed components and services, their versions, and drift with fixes."""
    from aegis_cli.commands.status import run_status

    run_status(project_path, as_json=as_json, repair=repair)


@app.command()
def upgrade(
    name: Annotated[str, typer.Argument(help="Component or service, e.g. scheduler.")],
    to: Annotated[
        str | None, typer.Option("--to", help="Exact version to move to (default: newest).")
    ] = None,
    project_path: ProjectPathOption = Path("."),
    dry_run: DryRunOption = False,
    force: ForceOption = False,
    with_core: Annotated[
        bool,
        typer.Option(
            "--with-core",
            help="Let aegis-core (and other aegis-* packages) move when the new version needs it.",
        ),
    ] = False,
) -> None:
    """Upgrade one aegis-* package (uv lock --upgrade-package) and its unedited stubs."""
    from aegis_cli.commands.upgrade import run_upgrade

    run_upgrade(name, to, project_path, dry_run=dry_run, force=force, with_core=with_core)


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


@app.command("ingress-enable")
def ingress_enable(
    domain: Annotated[
        str, typer.Option("--domain", help="The name your DNS points at the server.")
    ],
    email: Annotated[
        str, typer.Option("--email", help="Where Let's Encrypt writes about the certificates.")
    ],
    project_path: ProjectPathOption = Path("."),
    dry_run: DryRunOption = False,
) -> None:
    """HTTPS with Let's Encrypt for the ingress: redirect, HSTS; run again to change the domain."""
    from aegis_cli.commands.ingress import run_ingress_enable

    run_ingress_enable(domain, email, project_path, dry_run=dry_run)


app.add_typer(index_app, name="index")
register_deploy_commands(app)  # deploy-init, deploy-setup, deploy, deploy-status, …


def main() -> None:
    """Entry point: expected failures become one line on stderr and an exit code.

    A Ctrl-C that no command turned into `Interrupted` reaches typer first, which exits 130
    without a word; `_said_interrupted` adds the sentence then.
    """
    try:
        app()
    except AegisError as exc:
        _report(exc)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        _report(Interrupted())
        sys.exit(INTERRUPTED_EXIT)
    except SystemExit as exc:
        if exc.code == INTERRUPTED_EXIT and _caused_by_interrupt(exc):
            _report(Interrupted())
        raise


def _report(exc: AegisError) -> None:
    from aegis_cli.console import error, note

    error(exc.message, exc.hint)
    if exc.after:
        note(exc.after)


def _caused_by_interrupt(exc: BaseException) -> bool:
    """Whether a KeyboardInterrupt is anywhere in the chain of causes of `exc`."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, KeyboardInterrupt):
            return True
        seen = seen.__cause__ or seen.__context__
    return False
