"""`python -m aegis_database …`: the database CLI without the project CLI (containers, CI)."""

from aegis_database.cli import app

app(prog_name="aegis-database")
