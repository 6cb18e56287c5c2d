"""For aegis-database's migrations: the auth tables, alembic branch `auth` (`versions/`).

`<slug> db upgrade` (`make migrate`) applies them with every other branch; `MODELS` is imported
before a project's `--autogenerate`, so the project's branch never proposes to drop them.
"""

MODELS = ("aegis_auth.models",)
