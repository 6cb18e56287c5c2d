"""The assistant answers on the offline test model (no key, no network) and sees your tools."""

from collections.abc import Iterator

import pytest
from aegis_ai.testing import use_offline_model

from app.services.ai import TOOLS, get_ai_response, greet_visitor


@pytest.fixture(autouse=True)
def _offline() -> Iterator[None]:
    with use_offline_model():
        yield


async def test_answers_on_the_offline_model_with_your_tools() -> None:
    answer = await get_ai_response("Hello!")
    assert "offline test model" in answer
    for tool in TOOLS:
        assert tool.__name__ in answer, f"{tool.__name__} did not reach the model"


async def test_follow_ups_of_a_user_see_the_conversation() -> None:
    await get_ai_response("My order is late", user_id=1)
    answer = await get_ai_response("Any news?", user_id=1)
    assert "My order is late" in answer


def test_example_tool_calls_your_service() -> None:
    assert greet_visitor("Ada") == "Hello, Ada!"
