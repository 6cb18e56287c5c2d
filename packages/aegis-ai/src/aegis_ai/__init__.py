"""aegis-ai: AI chat with PydanticAI (API with streaming, CLI chat, memory, any provider).

`get_ai_response` is the Python entry point; a project re-exports it from `app.services.ai`.
"""

from __future__ import annotations

from typing import Any

from aegis_ai.component import component

__all__ = ["component", "get_ai_response"]


async def get_ai_response(
    message: str, user_id: Any = None, conversation_id: str | None = None
) -> str:
    """The answer to `message`; `user_id` scopes the conversation to that user.

    Imported lazily so `import aegis_ai` stays cheap for component discovery.
    """
    from aegis_ai.service import get_ai_response as answer

    return await answer(message, user_id=user_id, conversation_id=conversation_id)
