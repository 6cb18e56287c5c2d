"""Project hooks, discovered from folders (infrastructure is discovered; business logic is not).

Drop a module into one of the project's folders and it is picked up, in file-name order:

| folder                              | the module defines                         |
|-------------------------------------|--------------------------------------------|
| app/components/backend/middleware/  | ``def register_middleware(app) -> None``   |
| app/components/backend/startup/     | ``async def startup_hook(app) -> None``    |
| app/components/backend/shutdown/    | ``async def shutdown_hook(app) -> None``   |

Startup and shutdown hooks may also take no parameter (``async def startup_hook() -> None``):
most only warm a cache or open a client and have no use for the app. Sync functions work too.

Failures: a middleware module or a startup hook that raises **stops the app from starting**
(the error names the module): serving requests with half-initialised state is worse than not
serving. A failing shutdown hook is logged with its module name and the remaining hooks still
run. A module without the expected function is skipped with a warning.
"""

from __future__ import annotations

import importlib
import inspect
import logging
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI

from aegis_core.project import import_optional

logger = logging.getLogger("aegis.hooks")

HOOK_FOLDERS = {
    "middleware": "register_middleware",
    "startup": "startup_hook",
    "shutdown": "shutdown_hook",
}


class HookError(RuntimeError):
    """A project hook failed; the message names the module."""


@dataclass(frozen=True)
class Hook:
    module: str
    function: Callable[..., Any]

    async def call(self, app: FastAPI) -> None:
        result = self.function(app) if _wants_app(self.function) else self.function()
        if inspect.isawaitable(result):
            await result


def _wants_app(function: Callable[..., Any]) -> bool:
    """True when the hook takes a parameter (the app); `def hook()` is called without one."""
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):  # no introspectable signature: keep the documented call
        return True
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return any(
        p.kind in positional or p.kind is inspect.Parameter.VAR_POSITIONAL for p in parameters
    )


@dataclass(frozen=True)
class ProjectHooks:
    middleware: tuple[Hook, ...] = ()
    startup: tuple[Hook, ...] = ()
    shutdown: tuple[Hook, ...] = ()


def discover_hooks(project_package: str) -> ProjectHooks:
    found = {
        folder: tuple(_hooks_in(f"{project_package}.components.backend.{folder}", function))
        for folder, function in HOOK_FOLDERS.items()
    }
    return ProjectHooks(**found)


def _hooks_in(package_name: str, function_name: str) -> list[Hook]:
    package = import_optional(package_name)
    if package is None or not hasattr(package, "__path__"):
        return []
    hooks = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        module_name = f"{package_name}.{info.name}"
        try:
            module = importlib.import_module(module_name)
        except Exception as exc:
            raise HookError(f"hook module {module_name} failed to import: {exc}") from exc
        function = getattr(module, function_name, None)
        if callable(function):
            hooks.append(Hook(module_name, function))
        else:
            logger.warning("%s defines no %s(); skipped", module_name, function_name)
    return hooks


def apply_middleware(app: FastAPI, hooks: ProjectHooks) -> None:
    for hook in hooks.middleware:
        try:
            hook.function(app)
        except Exception as exc:
            raise HookError(f"middleware hook {hook.module} failed: {exc}") from exc


async def run_startup(app: FastAPI, hooks: ProjectHooks) -> None:
    for hook in hooks.startup:
        try:
            await hook.call(app)
        except Exception as exc:
            logger.error("startup hook %s failed: %s", hook.module, exc)
            raise HookError(f"startup hook {hook.module} failed: {exc}") from exc


async def run_shutdown(app: FastAPI, hooks: ProjectHooks) -> None:
    for hook in hooks.shutdown:
        try:
            await hook.call(app)
        except Exception:
            logger.exception("shutdown hook %s failed; continuing", hook.module)
