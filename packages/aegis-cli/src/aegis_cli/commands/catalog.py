"""`aegis components` / `aegis services`: what the Aegis index offers, as a table."""

from __future__ import annotations

from rich.table import Table

from aegis_cli.catalog import Kind
from aegis_cli.console import console
from aegis_cli.selection import catalog_rows


def print_catalog(kind: Kind) -> None:
    table = Table(title=f"Aegis {kind}s")
    for column in ("name", "summary", "requires", "package", "version", "status"):
        table.add_column(column)
    for row in catalog_rows(kind):
        style = "green" if row["status"] == "available" else "dim"
        table.add_row(
            *(row[c] for c in ("name", "summary", "requires", "package", "version")),
            f"[{style}]{row['status']}[/]",
        )
    console.print(table)
