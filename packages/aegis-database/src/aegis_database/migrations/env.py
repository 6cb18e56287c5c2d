"""The alembic env machinery a project's thin `migrations/env.py` calls.

It imports the models of every registered package and of the project, so the target metadata
is complete (autogenerate then writes only the project's own changes, after the branches of the
packages whose tables they touch: `owners.py`), and runs online against
`DATABASE_URL` or offline (`--sql`). SQLite gets batch mode, because it cannot ALTER most things.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from aegis_core.project import project_package
from sqlalchemy import MetaData
from sqlalchemy.engine import URL

from aegis_database.engine import build_engine
from aegis_database.migrations.owners import depend_on_owners
from aegis_database.migrations.sources import MigrationSource, discover_sources
from aegis_database.settings import get_settings
from aegis_database.urls import sync_url


def run_migrations(
    models: Sequence[str] | None = None,
    target_metadata: MetaData | Sequence[MetaData] | None = None,
) -> None:
    """Run alembic's migrations; call it from `env.py`.

    `models`: modules (packages are walked) holding the project's tables; default
    `<project package>.models`, skipped quietly when it does not exist.
    """
    from alembic import context
    from sqlmodel import SQLModel

    config = context.config
    layout = config.attributes.get("aegis_layout")
    sources: Sequence[MigrationSource] = layout.sources if layout else discover_sources()
    for source in sources:
        import_models(source.models, optional=False)
    import_models(models or [f"{project_package()}.models"], optional=models is None)
    url: URL = config.attributes.get("aegis_url") or sync_url(get_settings().DATABASE_URL)
    options: dict[str, Any] = {
        "target_metadata": target_metadata if target_metadata is not None else SQLModel.metadata,
        "include_name": ignore_tables(t for s in sources for t in s.runtime_tables),
        "compare_type": True,
        "render_as_batch": url.get_backend_name() == "sqlite",
        "process_revision_directives": depend_on_owners(sources),
    }
    if context.is_offline_mode():
        context.configure(url=url, literal_binds=True, **options)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = build_engine(url, get_settings(), pooled=False)
    try:
        with engine.connect() as connection:
            context.configure(connection=connection, **options)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


def import_models(names: Iterable[str], *, optional: bool) -> None:
    """Import each module and, for a package, every module below it (tables register on import)."""
    for name in names:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if optional and exc.name is not None and name.startswith(exc.name):
                continue
            raise
        for info in pkgutil.walk_packages(getattr(module, "__path__", []), prefix=f"{name}."):
            importlib.import_module(info.name)


def ignore_tables(names: Iterable[str]) -> Callable[..., bool]:
    """An alembic `include_name` hook that hides tables packages manage at run time."""
    ignored = frozenset(names)

    def include_name(name: str | None, type_: str, _parent: object) -> bool:
        return not (type_ == "table" and name in ignored)

    return include_name
