"""Assemble the project's typer app.

The generated project's `app/cli/main.py` calls `build_cli()` and its pyproject exposes the
result as `[project.scripts] <slug>`. A component contributes `<slug> <name> …` through
`Component.cli`; a component whose CLI fails to build is reported, not fatal.
"""

from __future__ import annotations

import typer

from aegis_core.cli import components as components_cmd
from aegis_core.cli import health as health_cmd
from aegis_core.cli import serve as serve_cmd
from aegis_core.component import Component
from aegis_core.discovery import discover_components

CORE_COMMANDS = frozenset({"health", "serve", "components"})


def build_cli(name: str = "app", *, app_module: str = "app.main:app") -> typer.Typer:
    """The project CLI: core commands, then one sub-app per loaded component with a CLI."""
    cli = typer.Typer(
        name=name,
        help=f"{name}: manage and inspect this Aegis project.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )
    cli.add_typer(health_cmd.app, name="health")
    cli.command("serve")(serve_cmd.make_serve(app_module))
    cli.command("components")(components_cmd.components)
    for component in discover_components().active:
        if component.cli is None:
            continue
        if component.name in CORE_COMMANDS:  # would silently shadow a core command
            typer.echo(
                f"warning: `{component.name}` commands hidden: the name is a core command",
                err=True,
            )
            continue
        try:
            sub_app = component.cli()
        except Exception as exc:  # said out loud, else `<slug> <name>` is "no such command"
            typer.echo(
                f"warning: `{component.name}` commands unavailable: {type(exc).__name__}: {exc}",
                err=True,
            )
            continue
        cli.add_typer(sub_app, name=component.name)
        for alias in component.cli_aliases:
            if alias not in CORE_COMMANDS:
                cli.add_typer(sub_app, name=alias, help=f"Same as `{name} {component.name}`.")
    for component in discover_components().active:
        _add_command_groups(cli, component)
    return cli


def _add_command_groups(cli: typer.Typer, component: Component) -> None:
    """A component's extra top-level groups; a name already taken is reported, not shadowed."""
    if component.commands is None:
        return
    taken = CORE_COMMANDS | {group.name for group in cli.registered_groups if group.name}
    for group_name, sub_app in component.commands().items():
        if group_name in taken:
            typer.echo(
                f"warning: `{group_name}` from {component.name} hidden: name taken", err=True
            )
            continue
        cli.add_typer(sub_app, name=group_name)
