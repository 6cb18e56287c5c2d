"""pytest fixtures over real services.

Enable with `pytest_plugins = ["aegis_core.testing.fixtures"]` in a conftest.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from aegis_core.testing.services import MissingPrerequisite, ensure_postgres, ensure_redis, require


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A real Redis URL (shared 127.0.0.1:6379 or a private server). Never flush it."""
    try:
        with ensure_redis() as url:
            yield url
    except MissingPrerequisite as exc:
        require(False, str(exc))


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """The machine's PostgreSQL (database `test`)."""
    try:
        return ensure_postgres()
    except MissingPrerequisite as exc:
        require(False, str(exc))
        raise
