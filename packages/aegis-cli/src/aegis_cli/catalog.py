"""What can be added to a project: components (infrastructure) and services (business).

A catalog entry is *available* when its stub template ships with this aegis-cli; the rest are
listed as coming soon and refused with a clear message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["component", "service"]


@dataclass(frozen=True)
class CatalogEntry:
    name: str
    kind: Kind
    summary: str
    requires: tuple[str, ...] = ()
    needs_infra: str = ""
    """Infrastructure the component brings in compose (not another Aegis component)."""
    options: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Bracket options (`scheduler[sqlite]`) and the components each one requires."""

    @property
    def package(self) -> str:
        return f"aegis-{self.name}"


CATALOG: tuple[CatalogEntry, ...] = (
    CatalogEntry("database", "component", "SQLModel ORM on SQLite, or PostgreSQL by DATABASE_URL"),
    CatalogEntry(
        "scheduler",
        "component",
        "Scheduled jobs (cron, interval) with APScheduler",
        options={"sqlite": ("database",)},
    ),
    CatalogEntry(
        "worker",
        "component",
        "Background jobs with arq (queues system, load_test)",
        needs_infra="Redis",
    ),
    CatalogEntry("ingress", "component", "Traefik reverse proxy, TLS and admin allowlist"),
    CatalogEntry("auth", "service", "Users, JWT login, password hashing", requires=("database",)),
    CatalogEntry("ai", "service", "AI chat with PydanticAI, offline test model built in"),
)


def entry(name: str) -> CatalogEntry | None:
    return next((e for e in CATALOG if e.name == name), None)


def entries(kind: Kind) -> tuple[CatalogEntry, ...]:
    return tuple(e for e in CATALOG if e.kind == kind)
