"""`<slug> database …`: migrate the schema and look at it.

Every failure ends in one line on stderr and exit code 1: the reason, and what to run next.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from aegis_core.cli import fail

app = typer.Typer(
    help="Database: migrations (alembic, one branch per package) and status.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

UP_TO_DATE_HINT = "the database is behind its migrations: run the `upgrade` command first"


@contextmanager
def _errors() -> Iterator[None]:
    from aegis_core.messages import one_line
    from alembic.util import CommandError
    from sqlalchemy.exc import SQLAlchemyError

    from aegis_database.migrations.sources import MigrationSourceError
    from aegis_database.urls import DatabaseUrlError

    try:
        yield
    except CommandError as exc:
        text = str(exc)
        hint = f" ({UP_TO_DATE_HINT})" if "not up to date" in text else ""
        fail(f"{one_line(exc)}{hint}")
    except (MigrationSourceError, DatabaseUrlError) as exc:
        fail(str(exc))
    except SQLAlchemyError as exc:
        from aegis_database.settings import get_settings
        from aegis_database.urls import mask

        fail(f"database {mask(get_settings().DATABASE_URL)}: {one_line(exc)}")


def _run(action: Callable[[], object]) -> None:
    with _errors():
        action()


@app.command()
def upgrade(
    revision: Annotated[str, typer.Argument(help="Target; `heads` = every branch.")] = "heads",
    sql: Annotated[bool, typer.Option("--sql", help="Print SQL instead of running it.")] = False,
) -> None:
    """Apply pending migrations of the project and of every installed package."""
    from aegis_database.migrations import commands

    _run(lambda: commands.upgrade(revision, sql=sql))
    if not sql:
        current()


@app.command()
def downgrade(
    revision: Annotated[str, typer.Argument(help="Target, e.g. `app@-1` or `auth@base`.")],
    sql: Annotated[bool, typer.Option("--sql", help="Print SQL instead of running it.")] = False,
) -> None:
    """Revert migrations down to REVISION (name the branch: `app@-1`)."""
    from aegis_database.migrations import commands

    _run(lambda: commands.downgrade(revision, sql=sql))


@app.command()
def current() -> None:
    """Show each branch's revision in the database and whether migrations are pending."""
    from aegis_database.migrations import commands

    with _errors():
        statuses = commands.status()
    if not statuses:
        typer.echo("no migrations installed (create one: `revision -m MESSAGE --autogenerate`)")
        return
    typer.echo(f"{'branch':<12} {'database':<14} {'head':<14} state")
    for s in statuses:
        typer.echo(f"{s.label:<12} {s.current or '-':<14} {s.head:<14} {s.state}")


@app.command()
def revision(
    message: Annotated[str, typer.Option("-m", "--message", help="What the change does.")],
    autogenerate: Annotated[
        bool, typer.Option("--autogenerate", help="Diff your models against the database.")
    ] = False,
    depends_on: Annotated[
        str | None, typer.Option(help="A revision of another branch this one needs.")
    ] = None,
) -> None:
    """Create a revision of the project's own branch in migrations/versions/."""
    from aegis_database.migrations import commands

    with _errors():
        script = commands.revision(message, autogenerate=autogenerate, depends_on=depends_on)
    typer.echo(f"created {script.path}")


@app.command()
def sources() -> None:
    """List the packages that bring migrations (entry-point group `aegis.migrations`)."""
    from aegis_database.migrations.config import layout

    with _errors():
        where = layout()
    typer.echo(f"{'app':<12} {where.project_versions} (this project)")
    for source in where.sources:
        typer.echo(f"{source.label:<12} {source.versions or '(no versions)'} ({source.package})")


@app.command()
def history() -> None:
    """Every revision of every branch, newest first."""
    from alembic import command

    from aegis_database.migrations.commands import checked_config

    _run(lambda: command.history(checked_config()))
