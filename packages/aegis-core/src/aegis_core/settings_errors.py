"""Bad settings are user errors: one line naming the setting and the fix, never a traceback.

Every entry point of a project (the project CLI, `serve`, the scheduler and worker processes)
reads settings from the environment and `.env`. A typo there (`PORT=abc`) used to surface as a
pydantic traceback. `settings_problem()` turns such an error into one sentence, and
`exit_on_settings_error()` prints it and exits 2, so each entry point needs one line to benefit.

Any `pydantic_settings.BaseSettings` subclass counts, including the components' own classes
(`WorkerConfig`, `SchedulerSettings`, …): a `ValidationError` carries only the class name, so
it is matched against the names of the settings classes that exist in the process.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from pydantic import ValidationError
from pydantic_settings import BaseSettings

EXIT_CODE = 2
"""Exit status for unusable settings (the usage-error code, like a bad command-line option)."""

T = TypeVar("T", bound=BaseSettings)

_EXPECTED = {
    "int_parsing": ("is not a valid integer", "a whole number"),
    "int_from_float": ("is not a valid integer", "a whole number"),
    "float_parsing": ("is not a valid number", "a number"),
    "bool_parsing": ("is not a valid boolean", "true or false"),
    "url_parsing": ("is not a valid URL", "a URL"),
}


_SECRET_WORDS = ("PASSWORD", "SECRET", "TOKEN", "API_KEY")
_URL_PASSWORD = re.compile(r"(://[^:/@\s]*:)[^@\s]*@")


class SettingsError(ValueError):
    """A setting has a value the project cannot run with; the message is the whole story."""


def describe(error: ValidationError) -> str:
    """One line for the first problem: the setting, its value, what is wrong and what to do."""
    first = error.errors(include_url=False)[0]
    name = ".".join(str(part) for part in first.get("loc", ())) or "a setting"
    kind = first.get("type", "")
    if kind == "missing":
        return f"{name} is not set: set {name} in .env (or the environment)"
    value = _shown(name, first.get("input"))
    if kind in _EXPECTED:
        problem, wanted = _EXPECTED[kind]
        return f"{name}={value} {problem}: set {name} in .env (or the environment) to {wanted}"
    if kind == "literal_error":
        allowed = first.get("ctx", {}).get("expected", "an allowed value")
        return f"{name}={value} is not allowed: set {name} in .env to one of {allowed}"
    reason = _reason(first)
    return f"{name}={value} is not valid ({reason}): fix {name} in .env (or the environment)"


def _shown(name: str, value: Any) -> str:
    """The value as the user wrote it, minus secrets: a password in a URL becomes `***`."""
    if any(word in name.upper() for word in _SECRET_WORDS):
        return "'***'"
    text = _URL_PASSWORD.sub(r"\1***@", repr(value))
    return text if len(text) <= 80 else text[:77] + "...'"


def _reason(error: Any) -> str:
    """pydantic's message, without the "Value error, " prefix a validator's ValueError gets."""
    message = str(error.get("msg", "invalid value"))
    return message.removeprefix("Value error, ").rstrip(".")


def _settings_class_names() -> set[str]:
    names: set[str] = set()
    pending: list[type] = [BaseSettings]
    while pending:
        cls = pending.pop()
        subclasses: list[type] = cls.__subclasses__()
        for sub in subclasses:
            if sub.__name__ not in names:
                names.add(sub.__name__)
                pending.append(sub)
    return names


def settings_problem(exc: BaseException) -> str | None:
    """The one-line message when `exc` (or what it was raised from) is a settings error."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, SettingsError):
            return str(current)
        if isinstance(current, ValidationError) and current.title in _settings_class_names():
            return describe(current)
        current = current.__cause__ or current.__context__
    return None


def load(settings_class: type[T], **values: Any) -> T:
    """`settings_class(**values)`, raising `SettingsError` with the one-line message instead of
    pydantic's multi-line one (for code that reports errors itself, e.g. a health check)."""
    try:
        return settings_class(**values)
    except ValidationError as exc:
        raise SettingsError(describe(exc)) from None


def print_problem(message: str) -> None:
    """`Error: <message>` on stderr, the same shape as every other CLI error."""
    print(f"Error: {message}", file=sys.stderr)


@contextmanager
def exit_on_settings_error() -> Iterator[None]:
    """Around an entry point: a settings error prints one line and exits 2; others propagate."""
    try:
        yield
    except Exception as exc:
        message = settings_problem(exc)
        if message is None:
            raise
        print_problem(message)
        raise SystemExit(EXIT_CODE) from None
