"""`python -m aegis_auth …`: the auth CLI without the project CLI (containers, CI)."""

from aegis_core.settings import exit_on_settings_error

from aegis_auth.cli import app

with exit_on_settings_error():
    app(prog_name="aegis-auth")
