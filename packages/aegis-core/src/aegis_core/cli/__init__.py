"""The project CLI (`<slug> …`) and the helpers a component's own commands share.

Public: `build_cli` (the generated project's `app/cli/main.py` calls it), `fail` (one-line
error and exit, for a component's commands) and `console` (rich output on stdout).
`build_cli` is imported on first use, so a component's CLI module that only needs `fail`
does not load discovery and every core command.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aegis_core.cli.output import console, fail

if TYPE_CHECKING:
    from aegis_core.cli.main import build_cli

__all__ = ["build_cli", "console", "fail"]


def __getattr__(name: str) -> Any:
    if name == "build_cli":
        from aegis_core.cli.main import build_cli

        return build_cli
    raise AttributeError(f"module 'aegis_core.cli' has no attribute {name!r}")
