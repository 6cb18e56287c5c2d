"""Build the alembic `Config` in code: no alembic.ini, every installed branch included.

`script_location` is the project's `migrations/` folder when it has an `env.py` (the thin env
the stub template writes), else the env shipped in this package, so migrations also work for a
project that installed aegis-database without stubs. `version_locations` are the project's
`migrations/versions` plus each registered package's `versions/` folder.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from aegis_core.project import project_dir
from alembic.config import Config

from aegis_database.migrations.sources import MigrationSource, discover_sources
from aegis_database.settings import DatabaseSettings, get_settings
from aegis_database.urls import sync_url

DEFAULT_ENV = Path(__file__).parent / "default_env"
FILE_TEMPLATE = "%%(year)d%%(month).2d%%(day).2d_%%(rev)s_%%(slug)s"


@dataclass(frozen=True)
class MigrationLayout:
    """Where the pieces live, for one project."""

    project_dir: Path
    migrations_dir: Path
    sources: tuple[MigrationSource, ...]

    @property
    def project_versions(self) -> Path:
        return self.migrations_dir / "versions"

    @property
    def script_location(self) -> Path:
        return self.migrations_dir if (self.migrations_dir / "env.py").is_file() else DEFAULT_ENV


def layout(settings: DatabaseSettings | None = None) -> MigrationLayout:
    settings = settings or get_settings()
    root = project_dir()
    migrations = Path(settings.DATABASE_MIGRATIONS_DIR)
    return MigrationLayout(
        project_dir=root,
        migrations_dir=migrations if migrations.is_absolute() else root / migrations,
        sources=tuple(discover_sources()),
    )


def alembic_config(settings: DatabaseSettings | None = None) -> Config:
    """The alembic config for this project and every installed migration source."""
    settings = settings or get_settings()
    where = layout(settings)
    config = versions_config(where)
    # Passed as an attribute, not an ini option: configparser would choke on `%` in passwords.
    config.attributes["aegis_url"] = sync_url(settings.DATABASE_URL)
    config.attributes["aegis_layout"] = where
    return config


def versions_config(where: MigrationLayout) -> Config:
    """The part of the config that reads scripts (no database URL: `lineage` needs no more)."""
    config = Config()
    config.set_main_option("script_location", str(where.script_location))
    config.set_main_option("path_separator", "os")
    locations = [where.project_versions, *(s.versions for s in where.sources if s.versions)]
    config.set_main_option("version_locations", os.pathsep.join(str(p) for p in locations))
    config.set_main_option("file_template", FILE_TEMPLATE)
    return config
