"""Turn what health checks report into what a person reads on a card.

Health metadata is written for machines and for `/health/detailed`: raw connection URLs (with
passwords), absolute paths, ISO timestamps, code in backticks. A card must read like a
sentence: a database "SQLite file data/app.db", a time "12:42:31", secrets never shown. Every
value a card shows goes through `readable()`, whichever component built the card; the raw data
stays available, secrets masked, in the card's details view (`masked()`).

Flet-free, so it is tested (and reusable) without a UI session.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

SECRET_WORDS = ("password", "passwd", "secret", "token", "api_key", "apikey", "private_key")
MASK = "•••••"

_URL = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s,;'\"()<>]+")
_URL_CREDENTIALS = re.compile(r"(://[^/\s:@]*):[^@\s/]+@")
_ISO_STAMP = re.compile(
    r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?\b"
)
_REPEATED_KIND = re.compile(r"\b(\w+) at \1 at ", re.IGNORECASE)
_ABS_PATH = re.compile(r"(?<![\w/:.])/(?:[\w.@+-]+/)*[\w.@+-]+")


def is_secret(key: str) -> bool:
    lowered = key.lower()
    return any(word in lowered for word in SECRET_WORDS)


def readable(text: str, root: Path | None = None, now: datetime | None = None) -> str:
    """One value as a person reads it: no backticks, URLs described, times local, paths
    relative to the project (`root`, default the working directory), credentials masked."""
    root = root or Path.cwd()
    text = text.replace("`", "")
    text = _URL.sub(lambda m: describe_url(m.group(0), root), text)
    text = _REPEATED_KIND.sub(r"\1 at ", text)  # "Redis at " + "Redis at host" said once
    text = _ISO_STAMP.sub(lambda m: local_time(m.group(0), now), text)
    return _ABS_PATH.sub(lambda m: relative_path(m.group(0), root), text)


def describe_url(url: str, root: Path | None = None) -> str:
    """`postgresql+psycopg://app:pw@db:5432/app` → `PostgreSQL at db:5432/app` (no user, no
    password); `sqlite+pysqlite:////srv/app/data/app.db` → `SQLite file data/app.db`."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return _URL_CREDENTIALS.sub(r"\1:***@", url)
    kind = parts.scheme.split("+")[0].lower()
    if kind == "sqlite":
        path = parts.path[1:] if parts.path.startswith("/") else parts.path
        if not path or path == ":memory:":
            return "SQLite in memory"
        return f"SQLite file {relative_path(path, root or Path.cwd())}"
    where = parts.hostname or "localhost"
    if port:
        where += f":{port}"
    if parts.path and parts.path != "/":
        where += parts.path
    if kind in ("http", "https", "ws", "wss"):
        return where
    return f"{_KIND_NAMES.get(kind, kind)} at {where}"


_KIND_NAMES = {"postgresql": "PostgreSQL", "postgres": "PostgreSQL", "redis": "Redis"}


def relative_path(path: str, root: Path) -> str:
    """A path inside the project, relative to it; anything else unchanged."""
    try:
        return str(Path(path).relative_to(root)) or "."
    except ValueError:
        return path


def local_time(stamp: str, now: datetime | None = None) -> str:
    """An ISO timestamp as local `HH:MM:SS` (with the date when it is not today)."""
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp
    local = moment.astimezone() if moment.tzinfo else moment
    today = (now or datetime.now()).astimezone().date()
    return f"{local:%H:%M:%S}" if local.date() == today else f"{local:%b %d %H:%M}"


def label(text: str) -> str:
    """Row labels in one case: `job store` → `Job store`; `SELECT 1` unchanged; an identifier
    (`load_test`, `schedule_reports`: a queue or job the user named) kept as written."""
    text = text.replace("`", "").strip()
    if "_" in text and " " not in text:
        return text
    return text[:1].upper() + text[1:] if text[:1].islower() else text


def masked(data: Any) -> Any:
    """`data` for the details view: secret keys and URL passwords replaced by `***`."""
    if isinstance(data, Mapping):
        return {k: "***" if is_secret(str(k)) else masked(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [masked(v) for v in data]
    if isinstance(data, str):
        return _URL_CREDENTIALS.sub(r"\1:***@", data)
    return data
