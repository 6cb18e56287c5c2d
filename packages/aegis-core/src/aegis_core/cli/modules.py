"""The project's own command modules: `app/cli/<name>.py` becomes `<slug> <name> …`.

Convention: a module in the project's `cli/` folder that defines a module-level
`app = typer.Typer()` is mounted under the module's name, underscores as hyphens
(`app/cli/users.py` → `<slug> users create-user`; `app/cli/load_data.py` → `<slug> load-data`).
Skipped: `main` (the CLI itself), modules starting with `_`, and names already taken by a core
or component command (said out loud). A module that fails to import or has no `app` is reported
on stderr and skipped: one broken file must not take the whole CLI down.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from dataclasses import dataclass

import typer

from aegis_core.project import import_optional

SKIPPED = frozenset({"main"})


@dataclass(frozen=True)
class CommandModule:
    name: str
    """The command group's name: the module name with hyphens."""
    module: str
    app: typer.Typer


def command_modules(project_package: str) -> Iterator[CommandModule | str]:
    """Each usable module of `<project_package>.cli`, or a one-line warning for a broken one."""
    package_name = f"{project_package}.cli"
    try:
        package = import_optional(package_name)
    except Exception as exc:
        yield f"{package_name} failed to import: {type(exc).__name__}: {exc}"
        return
    if package is None or not hasattr(package, "__path__"):
        return
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if info.name in SKIPPED or info.name.startswith("_"):
            continue
        yield _load(f"{package_name}.{info.name}", info.name)


def _load(module_name: str, short_name: str) -> CommandModule | str:
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:
        return f"{module_name} failed to import: {type(exc).__name__}: {exc}"
    app = getattr(module, "app", None)
    if not isinstance(app, typer.Typer):
        return f"{module_name} defines no `app = typer.Typer()`"
    return CommandModule(short_name.replace("_", "-"), module_name, app)
