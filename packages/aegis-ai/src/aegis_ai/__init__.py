"""aegis-ai: AI chat with PydanticAI."""

from aegis_ai.component import component

__all__ = ["component"]
