"""Workspace-wide pytest setup: real-service fixtures (redis_url, postgres_url) for every test."""

pytest_plugins = ["aegis_core.testing.fixtures"]
