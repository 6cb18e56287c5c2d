"""Public names a package imports only when they are first used.

A component's package is imported on every app start and CLI call (its entry point), so
its `__init__` must stay cheap while still offering `from aegis_database import SessionDep`.
Each package lists where its public names live, and this builds the module `__getattr__`
(PEP 562) that imports them on first use::

    _LAZY = {"SessionDep": "aegis_database.session", "get_engine": "aegis_database.engine"}
    __getattr__ = lazy_attributes(__name__, _LAZY)

Keep the same names under `if TYPE_CHECKING:` imports so type checkers and editors see them.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any

__all__ = ["lazy_attributes"]


def lazy_attributes(package: str, modules: Mapping[str, str]) -> Callable[[str], Any]:
    """A module `__getattr__` for `package` that imports `name` from `modules[name]`.

    The value is then kept in the package itself, so later lookups (a `from package import
    name` inside a function, on every request) find it directly instead of calling this hook."""

    def __getattr__(name: str) -> Any:
        module = modules.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(module), name)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__
