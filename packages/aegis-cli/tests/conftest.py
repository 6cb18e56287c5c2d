"""aegis-cli tests. Fixture templates are data, not tests: never collect them."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from aegis_cli.catalog import CatalogEntry, use_entries, use_index

collect_ignore_glob = ["fixtures/*"]

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True)
def first_party_catalog() -> Iterator[tuple[CatalogEntry, ...]]:
    """The catalog as the first-party packages' metadata describe it, without an index (the
    end-to-end tests read the real one from the workspace's built wheels)."""
    entries = (
        CatalogEntry("database", "component", "SQLModel on SQLite or PostgreSQL"),
        CatalogEntry("scheduler", "component", "Scheduled jobs", options={"sqlite": ("database",)}),
        CatalogEntry("worker", "component", "Background jobs", needs_infra="Redis"),
        CatalogEntry("ingress", "component", "Traefik", built=False),
        CatalogEntry("auth", "service", "Users and JWT", requires=("database",), built=False),
        CatalogEntry("ai", "service", "AI chat", built=False),
    )
    use_entries(entries)
    yield entries
    use_index(None)
