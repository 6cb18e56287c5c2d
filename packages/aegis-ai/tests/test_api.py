"""The HTTP API on a real uvicorn, talking to a real OpenAI-compatible server over HTTP."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
from aegis_ai.sandbox import Project
from aegis_ai.testing import FakeOpenAI
from aegis_core.testing import run_server


@contextmanager
def serving(project: Project, **env: str) -> Iterator[str]:
    with run_server("serve:app", cwd=project.root, env={**project.env, **env}) as server:
        yield f"{server.url}/api/ai"


def read_sse(response: httpx.Response) -> list[tuple[str, dict[str, object]]]:
    events, name = [], ""
    for line in response.iter_lines():
        if line.startswith("event: "):
            name = line.removeprefix("event: ")
        elif line.startswith("data: "):
            events.append((name, json.loads(line.removeprefix("data: "))))
    return events


def test_the_guides_curl_works_offline_and_says_it_is_not_an_ai(project: Project) -> None:
    with serving(project) as api:
        first = httpx.post(f"{api}/chat", json={"message": "Explain webhooks", "stream": False})
        assert first.status_code == 200, first.text
        body = first.json()
        assert body["response"].startswith("[offline test model]")
        assert "not an AI answer" in body["response"]
        assert "greet_visitor" in body["response"], "the stub's tool reaches the model"
        again = httpx.post(
            f"{api}/chat",
            json={"message": "And retries?", "conversation_id": body["conversation_id"]},
        )
        assert 'previous message was: "Explain webhooks"' in again.json()["response"]


def test_chat_history_and_conversations_through_a_real_provider(
    project: Project, provider: FakeOpenAI
) -> None:
    with serving(project) as api:
        first = httpx.post(f"{api}/chat", json={"message": "Explain webhooks"}, timeout=30)
        assert first.status_code == 200, first.text
        body = first.json()
        assert body["response"] == "echo: Explain webhooks (user messages seen: 1)"
        assert body["provider"] == "openai-compatible" and body["model"] == "local"
        assert body["usage"]["output_tokens"] > 0
        conversation = body["conversation_id"]
        second = httpx.post(
            f"{api}/chat",
            json={"message": "Give an example", "conversation_id": conversation},
            timeout=30,
        )
        assert second.json()["response"].endswith("(user messages seen: 2)")
        assert provider.last_user_messages() == ["Explain webhooks", "Give an example"]
        assert "support assistant of proj" in json.dumps(provider.requests[-1]["messages"])

        listed = httpx.get(f"{api}/conversations").json()["conversations"]
        assert [c["id"] for c in listed] == [conversation]
        assert listed[0]["messages"] == 4 and listed[0]["title"] == "Explain webhooks"
        shown = httpx.get(f"{api}/conversations/{conversation}").json()
        assert [t["role"] for t in shown["transcript"]] == ["user", "assistant"] * 2
        deleted = httpx.delete(f"{api}/conversations/{conversation}")
        assert deleted.status_code == 200 and deleted.json() == {"deleted": conversation}
        assert httpx.get(f"{api}/conversations/{conversation}").status_code == 404
        missing = httpx.post(f"{api}/chat", json={"message": "hi", "conversation_id": conversation})
        assert missing.status_code == 404


def test_stream_sends_deltas_then_the_conversation_and_usage(
    project: Project, provider: FakeOpenAI
) -> None:
    with serving(project) as api:
        with httpx.stream(
            "POST", f"{api}/chat/stream", json={"message": "Stream this"}, timeout=30
        ) as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            events = read_sse(response)
        deltas = [data["text"] for name, data in events if name == "delta"]
        assert len(deltas) > 1, "the answer arrives in pieces"
        assert "".join(deltas) == "echo: Stream this (user messages seen: 1)"
        name, done = events[-1]
        assert name == "done"
        assert done["usage"]["output_tokens"] > 0  # type: ignore[index]
        follow = {"message": "More", "stream": True, "conversation_id": done["conversation_id"]}
        with httpx.stream("POST", f"{api}/chat", json=follow, timeout=30) as response:
            text = "".join(str(d["text"]) for n, d in read_sse(response) if n == "delta")
        assert text.endswith("(user messages seen: 2)"), "stream: true on /chat streams too"


def test_a_client_that_leaves_mid_stream_cancels_the_provider_call(
    project: Project, provider: FakeOpenAI
) -> None:
    provider.mode, provider.hang_after = "hang_stream", 3
    with serving(project) as api:
        with httpx.stream(
            "POST", f"{api}/chat/stream", json={"message": "a b c d e f"}, timeout=30
        ) as response:
            got: list[str] = []
            for line in response.iter_lines():
                if line.startswith("event: delta"):
                    got.append(line)
                if len(got) == 2:
                    break
        assert len(got) == 2, "the stream started"
        wait_until(lambda: provider.streams_cancelled == 1, "the provider stream to be cancelled")
        assert provider.streams_finished == 0
        listed = httpx.get(f"{api}/conversations").json()["conversations"]
        assert listed == [], "a cancelled answer is not stored"


def wait_until(predicate: object, what: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


FAILURES = [
    ("unauthorized", 502, "rejected the API key: check AI_API_KEY"),
    ("rate_limited", 503, "rate limiting"),
    ("server_error", 502, "answered HTTP 500: The server had an error"),
    ("malformed", 502, "openai-compatible"),
    ("slow", 504, "did not answer in time"),
]


def test_each_provider_failure_is_a_clear_gateway_answer(
    project: Project, provider: FakeOpenAI
) -> None:
    provider.delay = 10
    # HEALTH_CACHE_SECONDS=0: the health asked for below must be run after the last call
    with serving(project, AI_TIMEOUT_SECONDS="1", HEALTH_CACHE_SECONDS="0") as api:
        for mode, status, words in FAILURES:
            provider.mode = mode
            for path in ("/chat", "/chat/stream"):
                answer = httpx.post(f"{api}{path}", json={"message": "hi"}, timeout=30)
                assert answer.status_code == status, (mode, path, answer.text)
                assert words in answer.json()["detail"], (mode, answer.text)
        provider.mode = "rate_limited"
        assert httpx.post(f"{api}/chat", json={"message": "hi"}).headers["retry-after"] == "7"
        health = httpx.get(f"{api.removesuffix('/api/ai')}/health/detailed").json()
        ai = health["services"]["ai"]
        assert ai["status"] == "warning" and "rate limiting" in ai["metadata"]["last_error"]


def test_an_unreachable_provider_is_503(project: Project) -> None:
    values = {
        "AI_PROVIDER": "openai-compatible",
        "AI_BASE_URL": "http://127.0.0.1:9/v1",
        "AI_MODEL": "x",
    }
    with serving(project, **values) as api:
        answer = httpx.post(f"{api}/chat", json={"message": "hi"}, timeout=30)
    assert answer.status_code == 503
    assert answer.json()["detail"].startswith("cannot reach openai-compatible")


def test_bounds_and_bad_input(project: Project) -> None:
    with serving(project, AI_MAX_MESSAGE_CHARS="50") as api:
        too_long = httpx.post(f"{api}/chat", json={"message": "x" * 51})
        assert too_long.status_code == 422
        assert "AI_MAX_MESSAGE_CHARS (50 characters)" in too_long.json()["detail"]
        assert httpx.post(f"{api}/chat", json={"message": ""}).status_code == 422
        assert httpx.post(f"{api}/chat", json={"message": "hi", "extra": 1}).status_code == 422
        bad_id = httpx.post(f"{api}/chat", json={"message": "hi", "conversation_id": "../x"})
        assert bad_id.status_code == 422
        assert httpx.get(f"{api}/conversations?limit=1000").status_code == 422
        wrong_method = httpx.put(f"{api}/conversations/abc")
        assert wrong_method.status_code == 405
        assert wrong_method.headers["allow"] == "GET, DELETE"
        schema = httpx.get(f"{api.removesuffix('/api/ai')}/openapi.json").json()
        paths = schema["paths"].values()
        operations = [operation["operationId"] for path in paths for operation in path.values()]
        assert len(operations) == len(set(operations)), "each operation has its own id"


def test_providers_say_whether_a_key_is_set_never_what_it_is(project: Project) -> None:
    secret = "sk-test-never-shown-123"
    env = {"AI_PROVIDER": "openai", "OPENAI_API_KEY": secret}
    with serving(project, **env) as api:
        providers = httpx.get(f"{api}/providers")
        health = httpx.get(f"{api.removesuffix('/api/ai')}/health/detailed")
    assert secret not in providers.text and secret not in health.text
    body = providers.json()
    assert body["active"] == "openai" and body["model"] == "gpt-4o-mini"
    openai = next(p for p in body["providers"] if p["name"] == "openai")
    assert openai["key_present"] is True and openai["key_env"] == "OPENAI_API_KEY"
    ai = health.json()["services"]["ai"]
    assert ai["status"] == "healthy" and ai["metadata"]["key_present"] is True
    assert "last_call_at" not in ai["metadata"], "health never calls the provider"
