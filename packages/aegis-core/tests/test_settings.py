"""compose_settings: the project's settings plus each installed component's, from the env."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

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


component = Component(
    name="queue", version="1.0.0", supports_core=">=0.1,<0.2", settings=QueueSettings
)
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
