"""`ProjectCli`: the Typer app behind `<slug> …`, with the two things plain Typer lacks.

1. `async def` commands run. Typer calls a command's function and ignores what it returns, so
   an `async def` command used to exit 0 without running ("coroutine was never awaited").
   Every coroutine command, in the project CLI and in any sub-app mounted on it (components,
   the modules of `app/cli/`), is wrapped to run under `asyncio.run`.
2. Bad settings are one line, not a traceback (see `aegis_core.settings_errors`): whichever
   command reads them (`serve`, `health status`, `worker run`, `scheduler run`, …).
"""

from __future__ import annotations

import asyncio
import functools
import inspect
from collections.abc import Callable
from typing import Any

import typer

from aegis_core.settings_errors import exit_on_settings_error


def run_coroutines(function: Callable[..., Any]) -> Callable[..., Any]:
    """`function` itself, or for an `async def` a sync twin that runs it with `asyncio.run`.

    `functools.wraps` keeps the signature and annotations Typer reads to build the options.
    """
    if not inspect.iscoroutinefunction(function):
        return function

    @functools.wraps(function)
    def run(*args: Any, **kwargs: Any) -> Any:
        return asyncio.run(function(*args, **kwargs))

    return run


def run_async_commands(cli: typer.Typer) -> None:
    """Wrap every coroutine command and callback of `cli` and of its sub-apps, in place."""
    for command in cli.registered_commands:
        if command.callback is not None:
            command.callback = run_coroutines(command.callback)
    if cli.registered_callback is not None and cli.registered_callback.callback is not None:
        cli.registered_callback.callback = run_coroutines(cli.registered_callback.callback)
    for group in cli.registered_groups:
        if group.typer_instance is not None:
            run_async_commands(group.typer_instance)


class ProjectCli(typer.Typer):
    """A Typer app whose `async def` commands run and whose settings errors are one line."""

    def command(self, *args: Any, **kwargs: Any) -> Callable[[Any], Any]:
        register = super().command(*args, **kwargs)

        def decorator(function: Callable[..., Any]) -> Callable[..., Any]:
            register(run_coroutines(function))
            return function  # the user's function stays callable (and awaitable) as written

        return decorator

    def add_typer(self, typer_instance: typer.Typer, *args: Any, **kwargs: Any) -> None:
        run_async_commands(typer_instance)
        super().add_typer(typer_instance, *args, **kwargs)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        run_async_commands(self)  # commands added to a sub-app after it was mounted
        with exit_on_settings_error():
            return super().__call__(*args, **kwargs)
