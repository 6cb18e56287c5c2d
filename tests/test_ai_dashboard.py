"""The ai card on the dashboard, rendered by the real chromium after a real chat: provider,
model, conversations and today's token usage, as a person sees them."""

from __future__ import annotations

from pathlib import Path

import httpx
from aegis_ai.sandbox import make_project, provider_env
from aegis_ai.testing import openai_compatible_server
from aegis_core.testing import run_server

from tests.browser.browser import render_dashboard


def test_ai_card_shows_provider_model_conversations_and_usage(tmp_path: Path) -> None:
    project = make_project(tmp_path / "proj")
    with openai_compatible_server() as provider:
        env = {**project.env, **provider_env(provider), "DASHBOARD_ENABLED": "true",
               "HEALTH_CACHE_SECONDS": "0"}  # fmt: skip
        with run_server("serve:app", cwd=project.root, env=env) as server:
            chat = httpx.post(f"{server.url}/api/ai/chat", json={"message": "Hello"}, timeout=60)
            assert chat.status_code == 200, chat.text
            tokens = sum(chat.json()["usage"].values())
            expected = ["openai-compatible", "local", "Conversations", "Usage today",
                        f"{tokens} tokens"]  # fmt: skip
            report = render_dashboard(f"{server.url}/dashboard/", expected, "ai-dashboard.png")
    assert not report["missing"], report
