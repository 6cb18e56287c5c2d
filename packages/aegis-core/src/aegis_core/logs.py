"""Log lines of every Aegis process: one format, the request id, and no per-request noise.

`configure_logging` is called by `create_app` (and by the worker and scheduler processes):

- one handler on the root logger, text (`LOG_FORMAT=text`, the default) or one JSON object per
  line (`LOG_FORMAT=json`: `time`, `level`, `logger`, `message`, `request_id`, `exception`);
  uvicorn's own loggers go through it too, so a JSON log is JSON throughout;
- nothing at INFO per request or per health check: uvicorn's access lines and alembic's
  per-connection chatter ("Context impl SQLiteImpl", "Will assume non-transactional DDL",
  "setup plugin …") show at DEBUG only, and uvicorn's start-up steps give way to the one
  line the app logs when it has started;
- `RequestIdMiddleware` gives each HTTP request an id: the caller's `X-Request-ID` when it is
  a sane one, else a new one; every log line written while serving it carries it, and the
  response returns it in `X-Request-ID`.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = [
    "REQUEST_ID_HEADER",
    "JsonFormatter",
    "LogSettings",
    "RequestIdMiddleware",
    "TextFormatter",
    "configure_logging",
    "current_request_id",
]

LogFormat = Literal["text", "json"]
REQUEST_ID_HEADER = "X-Request-ID"
MAX_REQUEST_ID = 128
_SANE_ID = re.compile(rf"[A-Za-z0-9._:@/+=-]{{1,{MAX_REQUEST_ID}}}")
"""What a caller's id may look like: printable, no spaces or quotes, so it can never forge or
break a log line (a JSON line escapes anyway; a text line would not)."""

_request_id: ContextVar[str | None] = ContextVar("aegis_request_id", default=None)

QUIET_AT_INFO = ("uvicorn.access", "alembic.runtime.migration", "alembic.runtime.plugins")
"""Loggers that write a line per request, per health check or per import: DEBUG shows them."""
UVICORN_STEPS = frozenset(
    {
        "Started server process [%d]",
        "Waiting for application startup.",
        "Application startup complete.",
        "Shutting down",
        "Waiting for application shutdown.",
        "Application shutdown complete.",
        "Finished server process [%d]",
    }
)
"""uvicorn's start-up and shutdown steps; its address line and every warning stay."""
_HANDLER_MARK = "_aegis_handler"


class LogSettings(BaseSettings):
    """For processes without the project's settings (worker, scheduler): same names, `.env`."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    LOG_FORMAT: LogFormat = "text"


def current_request_id() -> str | None:
    """The id of the request being served in this context, if any."""
    return _request_id.get()


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        return True


class _UvicornStepsFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno > logging.INFO or record.msg not in UVICORN_STEPS


class TextFormatter(logging.Formatter):
    """`2026-11-30 12:00:00,123 INFO aegis.app: message [request_id=…]`."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        request_id = getattr(record, "request_id", None)
        return f"{line} [request_id={request_id}]" if request_id else line


class JsonFormatter(logging.Formatter):
    """One JSON object per line; `request_id` only where there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None)
        if request_id:
            entry["request_id"] = request_id
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(level: str = "INFO", log_format: LogFormat | None = None) -> None:
    """Install the one handler (again: later calls replace it) and quiet the noisy loggers."""
    from aegis_core.settings_errors import load  # one line for a bad LOG_FORMAT, not pydantic's

    chosen = log_format or load(LogSettings).LOG_FORMAT
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if chosen == "json" else TextFormatter())
    handler.addFilter(_RequestIdFilter())
    setattr(handler, _HANDLER_MARK, True)
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, _HANDLER_MARK, False)]:
        root.removeHandler(old)
    root.addHandler(handler)
    numeric = logging.getLevelName(level.upper())
    root.setLevel(numeric)
    debug = numeric <= logging.DEBUG
    for name in QUIET_AT_INFO:
        logging.getLogger(name).setLevel(logging.NOTSET if debug else logging.WARNING)
    _route_uvicorn_through_root(quiet_steps=not debug)


def _route_uvicorn_through_root(*, quiet_steps: bool) -> None:
    """uvicorn installs its own handlers before it imports the app; send its records to ours
    instead, so they share the format (JSON included) and the request id."""
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    error = logging.getLogger("uvicorn.error")
    for old in [f for f in error.filters if isinstance(f, _UvicornStepsFilter)]:
        error.removeFilter(old)
    if quiet_steps:
        error.addFilter(_UvicornStepsFilter())


def sane_request_id(raw: str | None) -> str:
    """The caller's id when it is sane (see `_SANE_ID`), else a new one."""
    if raw and _SANE_ID.fullmatch(raw):
        return raw
    return os.urandom(16).hex()  # as random as a uuid4's hex, at a fifth of the cost


class RequestIdMiddleware:
    """Pure ASGI (no `BaseHTTPMiddleware` task per request): sets the id for the request's
    context and adds `X-Request-ID` to its response."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = sane_request_id(_header(scope, b"x-request-id"))
        token = _request_id.set(request_id)
        encoded = request_id.encode("ascii")

        async def send_with_id(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": _with_request_id(message, encoded)}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            _request_id.reset(token)


def _with_request_id(start: dict[str, Any], request_id: bytes) -> list[tuple[bytes, bytes]]:
    """The response's headers with ours last, replacing one the app set (rare: checked first,
    since every response passes here)."""
    headers = list(start.get("headers", ()))
    if any(key.lower() == b"x-request-id" for key, _ in headers):
        headers = [(k, v) for k, v in headers if k.lower() != b"x-request-id"]
    headers.append((b"x-request-id", request_id))
    return headers


def _header(scope: dict[str, Any], name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None
