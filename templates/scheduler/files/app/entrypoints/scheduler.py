"""The scheduler process: `python -m app.entrypoints.scheduler` (compose, `make scheduler`)."""

from aegis_scheduler.runner import run

if __name__ == "__main__":
    run()
