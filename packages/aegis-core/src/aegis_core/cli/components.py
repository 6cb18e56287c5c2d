"""`<slug> components`: what is installed, in which version, and whether it loads."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from aegis_core._version import __version__ as core_version
from aegis_core.cli.output import console
from aegis_core.discovery import discover_components


def components(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
) -> None:
    """List installed components and services with versions and compatibility."""
    found = discover_components()
    rows = [
        {
            "name": c.name,
            "kind": c.kind,
            "version": c.version,
            "supports_core": c.supports_core,
            "status": "not built" if c.component.not_built else "loaded",
            "message": (
                f"not built yet: {c.component.not_built}"
                if c.component.not_built
                else c.description
            ),
        }
        for c in found.active
    ] + [
        {
            "name": p.name,
            "kind": "component",
            "version": p.version or "?",
            "supports_core": "",
            "status": str(p.kind),
            "message": p.message,
        }
        for p in found.problems
    ]
    if as_json:
        typer.echo(json.dumps({"aegis_core": core_version, "components": rows}, indent=2))
        return
    table = Table(title=f"aegis-core {core_version}")
    for column in ("name", "kind", "version", "status", "message"):
        table.add_column(column)
    for row in rows:
        style = "green" if row["status"] == "loaded" else "yellow"
        table.add_row(
            row["name"], row["kind"], row["version"], f"[{style}]{row['status']}[/]", row["message"]
        )
    console.print(table)
