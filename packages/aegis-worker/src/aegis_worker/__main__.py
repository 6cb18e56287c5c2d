"""`python -m aegis_worker …`: `<slug> worker …` without a project (containers, CI)."""

from aegis_core.settings import exit_on_settings_error

from aegis_worker.cli import app

if __name__ == "__main__":
    with exit_on_settings_error():  # a bad setting is one line, not a traceback
        app(prog_name="python -m aegis_worker")
