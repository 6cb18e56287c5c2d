"""`python -m aegis_scheduler run | jobs | status` (containers, tests, no project CLI needed)."""

from aegis_scheduler.cli import app

app(prog_name="aegis-scheduler")
