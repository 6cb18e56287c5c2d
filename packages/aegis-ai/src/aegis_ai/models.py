"""The conversations table (only imported when aegis-database is installed).

Messages are PydanticAI's own JSON (`ModelMessagesTypeAdapter`), so nothing is lost between
turns; the columns beside it are what listings and the dashboard read without parsing it.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class AIConversation(SQLModel, table=True):
    __tablename__ = "ai_conversations"

    id: str = Field(primary_key=True, max_length=64)
    user_id: str | None = Field(default=None, max_length=64, index=True)
    title: str = Field(default="", max_length=200)
    created_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    updated_at: datetime = Field(sa_type=sa.DateTime(timezone=True), index=True)
    input_tokens: int = 0
    output_tokens: int = 0
    message_count: int = 0
    messages: str = Field(default="[]", sa_type=sa.Text)
