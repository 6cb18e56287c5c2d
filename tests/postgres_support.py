"""`local/postgres`, the PostgreSQL image of the container tests: no registry is reachable
here, so it is Debian's postgresql-15 on the tests' base image (tests/containers_support.py),
given to projects through POSTGRES_IMAGE as a user would point it at a mirror.
"""

from __future__ import annotations

from pathlib import Path

from aegis_core.testing import require

from tests.containers_support import BASE_IMAGE, Engine, ensure_built, setup_lock
from tests.lifecycle_support import commit
from tests.support import init_project

POSTGRES_IMAGE = "local/postgres"
KEPT_MIGRATION = '''"""kept: a table of the project's own, made by its first migration."""

import sqlalchemy as sa
from alembic import op

revision = "a0001"
down_revision = None
branch_labels = ("app",)
depends_on = None


def upgrade() -> None:
    op.create_table("kept", sa.Column("v", sa.String(50), nullable=False))


def downgrade() -> None:
    op.drop_table("kept")
'''
"""A project's first migration (`a0001_kept.py`): one table, `kept`, of its own."""
POSTGRES_DOCKERFILE = f"""FROM {BASE_IMAGE}
# Debian's server without its default cluster: the entrypoint makes one in $PGDATA.
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends postgresql-15 \\
    && rm -rf /var/lib/apt/lists/* /var/lib/postgresql/15 /etc/postgresql/15 \\
    && mkdir -p /var/lib/postgresql/data /var/run/postgresql \\
    && chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql \\
    && chmod 700 /var/lib/postgresql/data
ENV PATH=/usr/lib/postgresql/15/bin:$PATH PGDATA=/var/lib/postgresql/data
COPY entrypoint /usr/local/bin/entrypoint
USER postgres
ENTRYPOINT ["/usr/local/bin/entrypoint"]
CMD ["postgres"]
"""
POSTGRES_ENTRYPOINT = """#!/bin/sh
# Like the official image: the first start makes a UTF-8 cluster with POSTGRES_USER (superuser),
# POSTGRES_PASSWORD (password logins over the network) and the database POSTGRES_DB.
set -eu
if [ "${1:-}" != postgres ]; then exec "$@"; fi
shift
if [ ! -s "$PGDATA/PG_VERSION" ]; then
    user="${POSTGRES_USER:-postgres}"
    printf '%s\\n' "$POSTGRES_PASSWORD" > /tmp/pwfile
    initdb --username="$user" --pwfile=/tmp/pwfile --auth-local=trust \\
        --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 > /dev/null
    rm -f /tmp/pwfile
    echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
    if [ "${POSTGRES_DB:-$user}" != postgres ]; then
        pg_ctl --silent --wait -o "-c listen_addresses=''" start
        createdb --username="$user" "${POSTGRES_DB:-$user}"
        pg_ctl --silent --wait --mode=fast stop
    fi
fi
exec postgres -c listen_addresses='*' "$@"
"""


def ensure_postgres_image(engine: Engine) -> None:
    """`local/postgres`: the base plus Debian's PostgreSQL 15, initialised from the official
    image's variables; built once, the first time a test needs it (about a minute)."""
    with setup_lock():
        files = {"Dockerfile": POSTGRES_DOCKERFILE, "entrypoint": POSTGRES_ENTRYPOINT}
        problem = ensure_built(POSTGRES_IMAGE, files, env=engine.env)
    require(problem is None, problem or "")


def postgres_project(root: Path, slug: str, index_url: str) -> Path:
    """`aegis init SLUG --components 'database[postgres]'` in `root` from the index at
    `index_url`, with the project's own first migration (KEPT_MIGRATION), committed."""
    project = init_project(root, slug, "database[postgres]", f"{index_url}/simple/")
    versions = project / "migrations" / "versions"
    versions.mkdir(parents=True, exist_ok=True)
    (versions / "a0001_kept.py").write_text(KEPT_MIGRATION)
    commit(project, "a migration of the project's own")
    return project
