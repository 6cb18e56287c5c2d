"""`python -m aegis_worker run [QUEUE]`: the worker CLI without a project's script."""

from aegis_worker.cli import build_cli

if __name__ == "__main__":
    build_cli()(prog_name="python -m aegis_worker")
