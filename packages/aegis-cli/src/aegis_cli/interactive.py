"""Questions asked on a terminal when `aegis init` gets no --components/--services."""

from __future__ import annotations

import typer

from aegis_cli.catalog import Kind, entries
from aegis_cli.selection import is_available


def ask_selection() -> tuple[str, str]:
    return _ask("component"), _ask("service")


def _ask(kind: Kind) -> str:
    chosen = []
    for item in entries(kind):
        if not is_available(item):
            continue
        needs = ", ".join([*item.requires, *filter(None, [item.needs_infra])])
        suffix = f" (requires {needs})" if needs else ""
        if typer.confirm(f"Add {kind} {item.name}: {item.summary}{suffix}?", default=False):
            chosen.append(item.name)
    return ",".join(chosen)
