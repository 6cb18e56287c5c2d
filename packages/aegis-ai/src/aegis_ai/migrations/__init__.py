"""aegis-ai's alembic branch `ai`: the `ai_conversations` table.

`MODELS` lets the project's `--autogenerate` see the table, so it never proposes to drop it.
"""

MODELS = ("aegis_ai.models",)
