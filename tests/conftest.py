"""Session-wide fixtures for end-to-end tests: wheels built once, a project generated once.

Each test gets its own copy of the cached project (`project` fixture), so tests stay independent
and the suite stays fast.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.support import REPO, aegis, copy_project

if TYPE_CHECKING:
    from tests.containers_support import Engine

PROJECT_NAME = "mvp-api"


@pytest.fixture(scope="session")
def aegis_index() -> str:
    """Build the workspace wheels once (per xdist worker; a file lock makes it build once)."""
    from aegis_cli.index import resolve_index

    os.environ.pop("AEGIS_INDEX", None)
    return resolve_index().url


@pytest.fixture(scope="session")
def index_dir(aegis_index: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The workspace's wheels published into a static PEP 503 index folder (read-only: a test
    that publishes more copies it first)."""
    from tests.index_support import publish_wheelhouse

    return publish_wheelhouse(Path(aegis_index), tmp_path_factory.mktemp("index"))


@pytest.fixture(scope="session")
def served_index(index_dir: Path) -> Iterator[str]:
    """That index over HTTP from a real web server on 127.0.0.1: its simple-index URL."""
    from tests.index_support import serve_folder

    with serve_folder(index_dir) as url:
        yield f"{url}/simple/"


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


@pytest.fixture(scope="session")
def docker_engine() -> Engine:
    """A Docker engine that answers, with the local base images (made once, kept between runs);
    installed and started when missing (tests/containers_support.py)."""
    from tests.containers_support import ensure_engine

    return ensure_engine()
