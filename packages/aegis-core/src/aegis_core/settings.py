"""Settings: pydantic-settings from the environment and `.env`.

`CoreSettings` holds what aegis-core itself needs. Each component brings its own settings
class with its own, prefixed names (`REDIS_URL`, `SCHEDULER_…`); `compose_settings` merges the
project's class with those of the installed components so `settings.REDIS_URL` just works.
"""

from __future__ import annotations

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
    DASHBOARD_ENABLED: bool = True
    DASHBOARD_PATH: str = "/dashboard"
    DASHBOARD_REFRESH_SECONDS: float = 5.0


S = TypeVar("S", bound=CoreSettings)


def compose_settings(project_settings: type[S]) -> S:
    """An instance of the project's settings class extended with every loaded component's."""
    from aegis_core.discovery import discover_components

    extra = [c.settings for c in discover_components().active if c.settings is not None]
    extra = [cls for cls in extra if not issubclass(project_settings, cls)]
    if not extra:
        return project_settings()
    merged = type(project_settings.__name__, (project_settings, *extra), {})
    return merged()  # type: ignore[no-any-return]
