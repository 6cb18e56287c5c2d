"""Session-wide fixtures for end-to-end tests: wheels built once, a project generated once.

Each test gets its own copy of the cached project (`project` fixture), so tests stay independent
and the suite stays fast.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import REPO, aegis, copy_project

PROJECT_NAME = "mvp-api"


@pytest.fixture(scope="session")
def aegis_index() -> str:
    """Build the workspace wheels once (per xdist worker; a file lock makes it build once)."""
    from aegis_cli.index import resolve_index

    os.environ.pop("AEGIS_INDEX", None)
    return resolve_index().url


@pytest.fixture(scope="session")
def cached_project(tmp_path_factory: pytest.TempPathFactory, aegis_index: str) -> Path:
    """`aegis init mvp-api` once per session; tests copy it."""
    root = tmp_path_factory.mktemp("cache")
    result = aegis("init", PROJECT_NAME, "--no-interactive", cwd=root)
    assert result.returncode == 0, result.output
    return root / PROJECT_NAME


@pytest.fixture
def project(cached_project: Path, tmp_path: Path) -> Iterator[Path]:
    """A fresh, synced, committed copy of the generated project for one test."""
    yield copy_project(cached_project, tmp_path / PROJECT_NAME)


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO
