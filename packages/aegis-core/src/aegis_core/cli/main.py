"""Assemble the project's typer app.

The generated project's `app/cli/main.py` calls `build_cli()` and its pyproject exposes the
result as `[project.scripts] <slug>`. A component adds its commands through its `cli` hook
(`Component.cli`), which gets a `CliCommands`; a hook that fails is reported, not fatal, and a
name already taken is never shadowed. The project's own modules in `app/cli/` are mounted last
(see `aegis_core.cli.modules`).
"""

from __future__ import annotations

import typer

from aegis_core.cli.components import components
from aegis_core.cli.health import app as health_app
from aegis_core.cli.modules import CommandModule, command_modules
from aegis_core.cli.project_cli import ProjectCli
from aegis_core.cli.serve import make_serve
from aegis_core.discovery import LoadedComponent, discover_components
from aegis_core.project import project_package as default_project_package

CORE_COMMANDS = frozenset({"health", "serve", "components"})


def build_cli(
    name: str = "app", *, app_module: str = "app.main:app", project_package: str | None = None
) -> typer.Typer:
    """The project CLI: core commands, the commands each loaded component adds, then the
    project's own command modules (`project_package`: `$AEGIS_PROJECT_PACKAGE`, else `app`)."""
    cli = ProjectCli(
        name=name,
        help=f"{name}: manage and inspect this Aegis project.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )
    cli.add_typer(health_app, name="health")
    cli.command("serve")(make_serve(app_module))
    cli.command("components")(components)
    for loaded in discover_components().active:
        _add_component_commands(cli, loaded)
    _add_project_modules(cli, project_package or default_project_package())
    return cli


def _taken(cli: typer.Typer) -> set[str]:
    return set(CORE_COMMANDS) | {group.name for group in cli.registered_groups if group.name}


class _ComponentCommands:
    """The `CliCommands` one component's hook gets: groups are kept until the hook returns,
    so a hook that fails halfway adds nothing."""

    def __init__(self, component: str) -> None:
        self.component = component
        self.groups: list[tuple[str, typer.Typer]] = []

    def add(self, app: typer.Typer, name: str | None = None) -> None:
        self.groups.append((name or self.component, app))


def _add_component_commands(cli: typer.Typer, loaded: LoadedComponent) -> None:
    hook = loaded.component.cli
    if hook is None:
        return
    commands = _ComponentCommands(loaded.name)
    try:
        hook(commands)
    except Exception as exc:  # said out loud, else `<slug> <name>` is "no such command"
        typer.echo(
            f"warning: `{loaded.name}` commands unavailable: {type(exc).__name__}: {exc}",
            err=True,
        )
        return
    mounted: dict[int, str] = {}
    for group_name, sub_app in commands.groups:
        if group_name in _taken(cli):
            reason = "a core command" if group_name in CORE_COMMANDS else "already a command"
            typer.echo(
                f"warning: `{group_name}` from {loaded.name} hidden: the name is {reason}",
                err=True,
            )
            continue
        first = mounted.setdefault(id(sub_app), group_name)
        if first == group_name:
            cli.add_typer(sub_app, name=group_name)
        else:  # the same sub-app again: an alias
            cli.add_typer(sub_app, name=group_name, help=f"Same as `{cli.info.name} {first}`.")


def _add_project_modules(cli: typer.Typer, project_package: str) -> None:
    """Mount `app/cli/<name>.py` as `<slug> <name>`; broken or clashing modules are reported."""
    for found in command_modules(project_package):
        if not isinstance(found, CommandModule):
            typer.echo(f"warning: {found}; its commands are unavailable", err=True)
        elif found.name in _taken(cli):
            typer.echo(
                f"warning: {found.module} not mounted: `{found.name}` is already a command",
                err=True,
            )
        else:
            cli.add_typer(found.app, name=found.name)
