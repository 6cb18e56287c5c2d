"""Settings: pydantic-settings from the environment and `.env`.

`CoreSettings` holds what aegis-core itself needs. Each component brings its own settings
class with its own, prefixed names (`REDIS_URL`, `SCHEDULER_…`); `compose_settings` merges the
project's class with those of the installed components so `settings.REDIS_URL` just works.

A bad value is a user error, not a traceback: `SettingsError` carries the one line to show,
and an entry point wraps itself in `exit_on_settings_error()` to print it and exit 2.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Literal, Protocol, TypeVar

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from aegis_core.settings_errors import SettingsError, exit_on_settings_error
from aegis_core.settings_errors import load as load_settings

__all__ = [
    "CoreSettings",
    "SettingsError",
    "SettingsGetter",
    "cached_settings",
    "compose_settings",
    "exit_on_settings_error",
    "load_settings",
    "merge_settings",
    "project_settings",
]


class CoreSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    APP_NAME: str = "aegis-app"
    ENVIRONMENT: Literal["development", "test", "production"] = "development"
    API_PREFIX: str = "/api"
    HOST: str = "127.0.0.1"
    PORT: int = 8000
    LOG_LEVEL: str = "INFO"
    LOG_FORMAT: Literal["text", "json"] = "text"
    """`json`: one JSON object per log line (time, level, logger, message, request_id)."""
    HEALTH_CHECK_TIMEOUT: float = Field(default=2.0, gt=0, le=60)
    """Seconds each health check may take before it reports unhealthy."""
    HEALTH_CACHE_SECONDS: float = Field(default=1.0, ge=0, le=60)
    """Seconds a `/health` and `/health/detailed` result is reused; concurrent requests always
    share one run in flight, and 0 reuses nothing. The CLI's `status` runs fresh."""
    DASHBOARD_ENABLED: bool = True
    DASHBOARD_PATH: str = "/dashboard"
    DASHBOARD_REFRESH_SECONDS: float = 5.0
    LANDING_PATH: str = ""
    """Where `/` redirects: a path on this server (`/docs`); empty means the dashboard."""

    @field_validator("LANDING_PATH")
    @classmethod
    def _local_path(cls, value: str) -> str:
        """`/` must never redirect off this server (an open redirect) or to a bad URL."""
        ok = value == "" or (
            value.startswith("/") and not value.startswith("//") and value.isprintable()
        )
        if not ok or "\\" in value or "://" in value or len(value) > 200:
            raise ValueError("must be a path on this server starting with / (e.g. /docs)")
        return value


S = TypeVar("S", bound=CoreSettings)
B = TypeVar("B", bound=BaseSettings)
B_co = TypeVar("B_co", bound=BaseSettings, covariant=True)


class SettingsGetter(Protocol[B_co]):
    """A package's `get_settings()`: the settings, read once per process."""

    def __call__(self) -> B_co: ...

    def cache_clear(self) -> None:
        """Read the environment and `.env` again on the next call (tests that change them)."""


def cached_settings(settings_class: type[B]) -> SettingsGetter[B]:
    """The `get_settings()` every component package exposes from its `settings.py`, e.g.
    ``get_settings = cached_settings(WorkerSettings)``.

    Reading the environment and `.env` is done once per process: settings are read on hot
    paths (each request, each health check), and a changed `.env` needs a restart anyway. A
    bad value raises `SettingsError` with the one line to show, like `load_settings`.
    """

    @lru_cache(maxsize=1)
    def get_settings() -> B:
        return load_settings(settings_class)

    return get_settings


def compose_settings(project_settings: type[S]) -> S:
    """An instance of the project's settings class extended with every loaded component's.

    A bad value raises `SettingsError` with one line naming the setting (never pydantic's
    multi-line report), whichever entry point imported the settings.
    """
    from aegis_core.discovery import discover_components
    from aegis_core.settings_errors import load

    active = discover_components().active
    found = [c.component.settings for c in active if c.component.settings is not None]
    settings: S = load(merge_settings(project_settings, found))
    return settings


def merge_settings(project_settings: type[S], extra: Iterable[type[BaseSettings]]) -> type[S]:
    """One class with the fields of `project_settings` and of each `extra` class.

    The project's own `model_config` wins explicitly: pydantic would otherwise let the last
    base's config (e.g. a component's `env_prefix`) apply to every field, core ones included.
    Classes the project already inherits, and duplicates, are skipped (a repeated base is a
    TypeError).
    """
    bases = [cls for cls in dict.fromkeys(extra) if not issubclass(project_settings, cls)]
    if not bases:
        return project_settings
    namespace = {"model_config": SettingsConfigDict(**project_settings.model_config)}
    merged: type[S] = type(project_settings.__name__, (project_settings, *bases), namespace)
    return merged


def project_settings() -> CoreSettings:
    """The project's `settings` (`<package>/core/config.py`, with every component's fields),
    or the core settings alone when the project has no such module. Entry points call this
    early so a bad value is reported before anything starts."""
    from aegis_core.project import import_optional, project_package

    config = import_optional(f"{project_package()}.core.config")
    settings = getattr(config, "settings", None)
    return settings if isinstance(settings, CoreSettings) else CoreSettings()
