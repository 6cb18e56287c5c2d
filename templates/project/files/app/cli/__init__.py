"""Your CLI. `main.py` holds the project's own commands (`@app.command()`, `async def` works).

A command group per module: `users.py` defining `app = typer.Typer()` with its commands is
mounted as `<slug> users …` (underscores become hyphens; modules starting with `_` are helpers
and skipped). A module that fails to import is reported and the rest of the CLI still works.
"""
