"""compose_settings: the project's settings plus each installed component's, from the env."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aegis_core import CoreSettings
from aegis_core.settings import compose_settings, merge_settings
from aegis_core.testing.packages import on_path, write_distribution
from pydantic_settings import BaseSettings, SettingsConfigDict

COMPONENT_WITH_SETTINGS = """
from pydantic_settings import BaseSettings, SettingsConfigDict
from aegis_core import Component


class QueueSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")
    QUEUE_URL: str = "redis://127.0.0.1:6379/0"
    QUEUE_CONCURRENCY: int = 4


component = Component(settings=QueueSettings)
"""


class ProjectSettings(CoreSettings):
    APP_NAME: str = "demo-project"
    REPORTS_EMAIL: str = "ops@example.com"


@pytest.fixture
def queue_component(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    write_distribution(
        tmp_path,
        "aegis-t-queue",
        "1.0.0",
        modules={"aegis_t_queue.py": COMPONENT_WITH_SETTINGS},
        entry_points={"queue": "aegis_t_queue:component"},
    )
    monkeypatch.setenv("AEGIS_COMPONENTS", "queue")
    monkeypatch.chdir(tmp_path)  # no stray .env from the working tree
    with on_path(tmp_path):
        yield


@pytest.mark.usefixtures("queue_component")
def test_component_settings_join_the_project_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUEUE_CONCURRENCY", "16")
    monkeypatch.setenv("REPORTS_EMAIL", "me@example.com")

    settings = compose_settings(ProjectSettings)

    assert isinstance(settings, ProjectSettings)
    assert settings.APP_NAME == "demo-project"
    assert settings.REPORTS_EMAIL == "me@example.com"
    assert settings.QUEUE_CONCURRENCY == 16  # type: ignore[attr-defined]
    assert settings.QUEUE_URL == "redis://127.0.0.1:6379/0"  # type: ignore[attr-defined]


@pytest.mark.usefixtures("queue_component")
def test_settings_are_read_from_dotenv(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("QUEUE_URL=redis://cache:6379/2\nAPP_NAME=from-dotenv\n")

    settings = compose_settings(ProjectSettings)

    assert settings.QUEUE_URL == "redis://cache:6379/2"  # type: ignore[attr-defined]
    assert settings.APP_NAME == "from-dotenv"


def test_without_component_settings_the_project_class_is_used_as_is(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AEGIS_COMPONENTS", "none")

    settings = compose_settings(ProjectSettings)

    assert type(settings) is ProjectSettings


def test_project_config_wins_over_a_component_env_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    class Prefixed(BaseSettings):
        model_config = SettingsConfigDict(env_prefix="PFX_")
        PFX_VALUE: str = "default"

    monkeypatch.setenv("APP_NAME", "still-read")

    merged = merge_settings(ProjectSettings, [Prefixed, Prefixed, CoreSettings])()

    assert merged.APP_NAME == "still-read"  # a leaked env_prefix would have hidden it
    assert merged.PFX_VALUE == "default"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("fields", "environment", "message"),
    [
        (
            {"RETRIES": (int, 3)},
            {"RETRIES": "3.5"},
            "RETRIES='3.5' is not a valid integer: set RETRIES in .env (or the environment) "
            "to a whole number",
        ),
        (
            {"DEBUG": (bool, False)},
            {"DEBUG": "maybe"},
            "DEBUG='maybe' is not a valid boolean: set DEBUG in .env (or the environment) "
            "to true or false",
        ),
        (
            {"API_URL": (str, ...)},
            {},
            "API_URL is not set: set API_URL in .env (or the environment)",
        ),
        (
            {"BROKER_URL": (int, 1)},
            {"BROKER_URL": "redis://bob:hunter2@host:6379/0"},
            "BROKER_URL='redis://bob:***@host:6379/0' is not a valid integer",
        ),
        ({"SECRET_TOKEN": (int, 1)}, {"SECRET_TOKEN": "s3cr3t"}, "SECRET_TOKEN='***' is not"),
    ],
)
def test_settings_errors_are_one_line_naming_the_setting(
    monkeypatch: pytest.MonkeyPatch,
    fields: dict[str, Any],
    environment: dict[str, str],
    message: str,
) -> None:
    from aegis_core.settings_errors import SettingsError, load
    from pydantic import create_model
    from pydantic_settings import BaseSettings

    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    settings_class = create_model("DemoSettings", __base__=BaseSettings, **fields)

    with pytest.raises(SettingsError) as error:
        load(settings_class)

    assert str(error.value).startswith(message)
    assert "\n" not in str(error.value)
    assert "hunter2" not in str(error.value) and "s3cr3t" not in str(error.value)


def test_cached_settings_reads_once_until_cleared(monkeypatch: pytest.MonkeyPatch) -> None:
    from aegis_core.settings import cached_settings
    from pydantic_settings import BaseSettings

    class AuditSettings(BaseSettings):
        AUDIT_RETENTION_DAYS: int = 30

    get_settings = cached_settings(AuditSettings)
    monkeypatch.setenv("AUDIT_RETENTION_DAYS", "7")
    first = get_settings()
    monkeypatch.setenv("AUDIT_RETENTION_DAYS", "90")

    assert get_settings() is first and first.AUDIT_RETENTION_DAYS == 7
    get_settings.cache_clear()
    assert get_settings().AUDIT_RETENTION_DAYS == 90


def test_a_lazy_public_name_imports_on_use_and_an_unknown_one_says_which_module() -> None:
    import aegis_core

    assert aegis_core.compose_settings.__module__ == "aegis_core.settings"
    assert "compose_settings" in vars(aegis_core), "kept: the next lookup skips the hook"
    with pytest.raises(AttributeError, match="module 'aegis_core' has no attribute 'nope'"):
        _ = aegis_core.nope  # type: ignore[attr-defined]


def test_cached_settings_says_a_bad_value_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    from aegis_core.settings import SettingsError, cached_settings

    class AuditSettings(BaseSettings):
        AUDIT_RETENTION_DAYS: int = 30

    monkeypatch.setenv("AUDIT_RETENTION_DAYS", "a week")
    with pytest.raises(SettingsError, match="AUDIT_RETENTION_DAYS") as raised:
        cached_settings(AuditSettings)()
    assert "\n" not in str(raised.value)
