"""`<slug> auth …`: manage users from the command line.

Every failure ends in one line on stderr and exit code 1 (the reason and what to do), and
changes nothing. Passwords are read from a hidden prompt or, with `--password-stdin`, from the
first line of standard input; they are never arguments (shell history, `ps`) and never printed,
except the fixed demo passwords `create-test-users` announces (refused in production).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer
from aegis_core.cli import fail

if TYPE_CHECKING:
    from sqlmodel import Session

    from aegis_auth.models import User

app = typer.Typer(
    help="Auth: create and manage users.", no_args_is_help=True, pretty_exceptions_enable=False
)
T = TypeVar("T")
TEST_ADMIN = ("admin@example.com", "admin123")
TEST_PASSWORD = "password123"

EmailArg = Annotated[str, typer.Argument(help="The user's email address.")]
StdinOpt = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from standard input.")
]


@contextmanager
def _errors() -> Iterator[None]:
    from aegis_core.messages import one_line
    from sqlalchemy.exc import SQLAlchemyError

    from aegis_auth.service import AuthError

    try:
        yield
    except AuthError as exc:
        fail(str(exc))
    except SQLAlchemyError as exc:
        text = one_line(exc)
        if "no such table" in text or "does not exist" in text:
            fail("the auth tables do not exist yet: run `make migrate` (or `db upgrade`) first")
        fail(f"database: {text}")


def _in_session(action: Callable[[Session], T]) -> T:
    """Run `action` in a session, after the settings are checked (a placeholder secret in
    production stops every command, as it stops the app)."""
    from aegis_database import db_session

    from aegis_auth.settings import get_settings

    get_settings()

    with _errors(), db_session(autocommit=False) as session:
        return action(session)
    raise AssertionError("unreachable")  # pragma: no cover  (_errors exits on failure)


def _email(raw: str) -> str:
    from email_validator import EmailNotValidError

    from aegis_auth.models import normalise_email

    try:
        return normalise_email(raw)
    except EmailNotValidError as exc:
        fail(f"{raw!r} is not a valid email address ({exc}); e.g. admin@example.com")
    raise AssertionError("unreachable")  # pragma: no cover


def _password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    if not password:
        fail("empty password: pass one on standard input with --password-stdin, or type one")
    return password


def _user(session: Session, email: str) -> User:
    from aegis_auth.service import find_user

    user = find_user(session, email)
    if user is None:
        fail(f"no user with email {email}: see `auth list-users`")
    assert user is not None
    return user


@app.command("create-user")
def create_user(
    email: EmailArg,
    superuser: Annotated[bool, typer.Option("--superuser", help="May use operator pages.")] = False,
    password_stdin: StdinOpt = False,
    full_name: Annotated[str | None, typer.Option(help="Display name.", max=200)] = None,
) -> None:
    """Create an active user (asks for the password unless --password-stdin)."""
    from aegis_auth.service import create_user as create

    address = _email(email)
    password = _password(password_stdin)
    user = _in_session(
        lambda s: create(s, address, password, full_name=full_name, is_superuser=superuser)
    )
    role = "superuser" if user.is_superuser else "user"
    typer.echo(f"created {role} {user.email} (id {user.id})")


@app.command("create-test-users")
def create_test_users(
    count: Annotated[int, typer.Option(min=1, max=100, help="How many users, admin included.")] = 5,
) -> None:
    """Demo accounts: admin@example.com / admin123 (superuser) and userN@example.com /
    password123. Refused with ENVIRONMENT=production."""
    from aegis_core.settings import CoreSettings

    if CoreSettings().ENVIRONMENT == "production":
        fail("test users have published passwords: not with ENVIRONMENT=production")
    accounts = [(*TEST_ADMIN, True)]
    accounts += [(f"user{n}@example.com", TEST_PASSWORD, False) for n in range(1, count)]
    for email, password, is_admin in accounts:
        typer.echo(
            _in_session(partial(_test_user, email=email, password=password, superuser=is_admin))
        )


def _test_user(session: Session, email: str, password: str, superuser: bool) -> str:
    from aegis_auth.service import create_user as create
    from aegis_auth.service import find_user

    role = "superuser" if superuser else "user"
    if find_user(session, email) is not None:
        return f"exists   {email} (left as it is)"
    create(session, email, password, full_name=email.split("@")[0], is_superuser=superuser)
    return f"created  {email} / {password} ({role})"


@app.command("list-users")
def list_users(
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="At most this many.")] = 100,
) -> None:
    """Every user: id, email, active, superuser, last login."""
    from sqlmodel import select

    from aegis_auth.models import User

    users = _in_session(lambda s: list(s.exec(select(User).order_by(User.id).limit(limit))))  # type: ignore[arg-type]
    if not users:
        typer.echo("no users yet: `auth create-user EMAIL --superuser`")
        return
    typer.echo(f"{'id':>5}  {'email':<40} {'active':<6} {'super':<5} last login")
    for u in users:
        last = u.last_login_at.strftime("%Y-%m-%d %H:%M") if u.last_login_at else "-"
        typer.echo(
            f"{u.id:>5}  {u.email:<40} {_yes(u.is_active):<6} {_yes(u.is_superuser):<5} {last}"
        )


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


@app.command("set-password")
def set_password(email: EmailArg, password_stdin: StdinOpt = False) -> None:
    """Set a user's password; the user's open sessions end."""
    from aegis_auth.service import set_password as change

    address = _email(email)
    password = _password(password_stdin)
    _in_session(lambda s: change(s, _user(s, address), password))
    typer.echo(f"password of {address} changed; its sessions ended")


def _update(email: str, what: str, change: Callable[[Session, User], None]) -> None:
    address = _email(email)

    def apply(session: Session) -> None:
        change(session, _user(session, address))

    _in_session(apply)
    typer.echo(f"{address} {what}")


@app.command()
def activate(email: EmailArg) -> None:
    """Let a deactivated user log in again."""
    _update(email, "activated", lambda s, u: _set(s, u, is_active=True))


@app.command()
def deactivate(email: EmailArg) -> None:
    """Refuse the user's logins and end their sessions (the account and data stay)."""
    from aegis_auth.service import end_all_sessions

    def change(session: Session, user: User) -> None:
        _set(session, user, is_active=False)
        end_all_sessions(session, user)

    _update(email, "deactivated; its sessions ended", change)


@app.command()
def promote(
    email: EmailArg,
    revoke: Annotated[bool, typer.Option("--revoke", help="Take superuser away instead.")] = False,
) -> None:
    """Make a user a superuser (operator pages and APIs), or take it away with --revoke."""
    what = "is no longer a superuser" if revoke else "is now a superuser"
    _update(email, what, lambda s, u: _set(s, u, is_superuser=not revoke))


def _set(session: Session, user: User, **values: bool) -> None:
    for name, value in values.items():
        setattr(user, name, value)
    session.add(user)
    session.commit()
