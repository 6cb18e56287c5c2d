"""Which conversation store this process uses: memory, or the database when it is installed.

Kept apart from `store` (the conversation model and the memory store) so that the database
store, which builds on that model, is imported only here and only when chosen.
"""

from __future__ import annotations

from aegis_ai.settings import AISettings
from aegis_ai.store import ConversationStore, MemoryStore, StoreError

_stores: dict[str, ConversationStore] = {}


def component_loaded(name: str) -> bool:
    """Installed and enabled (`AEGIS_COMPONENTS`), as aegis-core loaded it for this project."""
    from aegis_core import discover_components

    return discover_components().get(name) is not None


def database_installed() -> bool:
    return component_loaded("database")


def get_store(settings: AISettings) -> ConversationStore:
    """One store per process and kind (memory must be shared by every request)."""
    kind = settings.AI_STORE
    if kind == "auto":
        kind = "database" if database_installed() else "memory"
    if kind == "database" and not database_installed():
        raise StoreError("AI_STORE=database needs the database component: aegis add database")
    if kind not in _stores:
        if kind == "database":
            from aegis_ai.db_store import DatabaseStore

            _stores[kind] = DatabaseStore()
        else:
            _stores[kind] = MemoryStore(settings.AI_MEMORY_MAX_CONVERSATIONS)
    return _stores[kind]


async def close_stores() -> None:
    """Release what the stores hold open (database pools); call before a loop ends."""
    for store in list(_stores.values()):
        close = getattr(store, "close", None)
        if close is not None:
            await close()


def reset_stores() -> None:
    """Forget the process's stores (tests that switch settings)."""
    _stores.clear()
