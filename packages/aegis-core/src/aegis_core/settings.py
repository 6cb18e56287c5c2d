"""Settings: pydantic-settings from the environment and `.env`.

`CoreSettings` holds what aegis-core itself needs. Each component brings its own settings
class with its own, prefixed names (`REDIS_URL`, `SCHEDULER_…`); `compose_settings` merges the
project's class with those of the installed components so `settings.REDIS_URL` just works.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, TypeVar

from pydantic_settings import BaseSettings, SettingsConfigDict


class CoreSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    APP_NAME: str = "aegis-app"
    ENVIRONMENT: Literal["development", "test", "production"] = "development"
    API_PREFIX: str = "/api"
    HOST: str = "127.0.0.1"
    PORT: int = 8000
    LOG_LEVEL: str = "INFO"
    HEALTH_CHECK_TIMEOUT: float = 2.0
    """Seconds each health check may take before it reports unhealthy."""
    HEALTH_CACHE_SECONDS: float = 1.0
    """Seconds a `/health` result is reused (concurrent requests share one run); 0 runs the
    checks on every request. `/health/detailed`, the CLI's `status` and the dashboard are
    always fresh."""
    DASHBOARD_ENABLED: bool = True
    DASHBOARD_PATH: str = "/dashboard"
    DASHBOARD_REFRESH_SECONDS: float = 5.0


S = TypeVar("S", bound=CoreSettings)


def compose_settings(project_settings: type[S]) -> S:
    """An instance of the project's settings class extended with every loaded component's."""
    from aegis_core.discovery import discover_components

    found = [c.settings for c in discover_components().active if c.settings is not None]
    return merge_settings(project_settings, found)()


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
