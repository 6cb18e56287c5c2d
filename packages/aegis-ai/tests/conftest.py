"""A throwaway project per test (the real stub rendered into it) and the local provider."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from aegis_ai.sandbox import AI_VARIABLES, Project, forget, make_project, provider_env
from aegis_ai.testing import FakeOpenAI, openai_compatible_server


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Project]:
    created = make_project(tmp_path / "proj")
    for name in AI_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name in ("AEGIS_PROJECT_DIR", "AI_MAX_RETRIES", "AI_STORE", "DATABASE_URL"):
        monkeypatch.setenv(name, created.env[name])
    monkeypatch.chdir(created.root)
    monkeypatch.syspath_prepend(str(created.root))
    forget()
    yield created
    forget()
    for name in [m for m in sys.modules if m == "app" or m.startswith("app.")]:
        del sys.modules[name]


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    with openai_compatible_server() as server:
        yield server


@pytest.fixture
def provider(project: Project, fake: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> FakeOpenAI:
    """The project (its env and this process) pointed at the local provider."""
    values = provider_env(fake)
    project.env.update(values)
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    forget()
    return fake
