"""Shared fixtures. `aegis_core.testing.fixtures` adds `redis_url` and `postgres_url` (real
services; skipped locally when missing, failing under CI=true)."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

pytest_plugins = ["aegis_core.testing.fixtures"]


@pytest.fixture
def client() -> Iterator[TestClient]:
    from app.main import app

    with TestClient(app) as test_client:
        yield test_client
