"""The AI story, end to end in a generated project (the user guide's "Month 5"):

`aegis add-service ai` → stubs and .env lines → the project pointed at a local
OpenAI-compatible server (as at vLLM) → the guide's curl → a streamed follow-up that sees the
history → `mvp-api ai chat "…"` → the project's own tests pass on the offline model →
`aegis remove-service ai` keeps the stub the user edited.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from aegis_ai.testing import openai_compatible_server

from tests.lifecycle_support import commit, dependency_names, manifest, ok
from tests.support import run, serve_project, venv_bin

STUBS = ("app/services/ai.py", "tests/services/test_ai.py")
GUIDE_CURL = """curl -X POST http://localhost:8000/api/ai/chat \\
  -H "Content-Type: application/json" \\
  -d '{"message": "Explain webhooks", "stream": false}'"""


def ai_health_once(url: str, seen: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    """The ai entry of /health/detailed once `seen` (health results are cached a few seconds)."""
    deadline = time.monotonic() + 60
    while True:
        meta: dict[str, Any] = httpx.get(f"{url}/health/detailed", timeout=30).json()[
            "services"]["ai"]["metadata"]  # fmt: skip
        if seen(meta) or time.monotonic() > deadline:
            return meta
        time.sleep(0.5)


def test_ai_story(project: Path) -> None:
    added = ok("add-service", "ai", "--yes", cwd=project).stdout
    assert "ai" in added
    assert "aegis-ai" in dependency_names(project)
    assert all((project / stub).is_file() for stub in STUBS)
    assert sum(len((project / s).read_text().splitlines()) for s in STUBS) <= 80
    assert "AI_PROVIDER=" in (project / ".env.example").read_text()
    commit(project, "ai")

    tests = run([venv_bin(project, "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider",
                 "tests/services/test_ai.py"], cwd=project)  # fmt: skip
    assert tests.returncode == 0, tests.output
    assert "3 passed" in tests.stdout

    with openai_compatible_server() as provider:
        env_file = project / ".env"
        env_file.write_text(env_file.read_text() if env_file.exists() else "")
        with env_file.open("a") as env:
            env.write(f"AI_PROVIDER=openai-compatible\nAI_BASE_URL={provider.url}\n"
                      "AI_MODEL=local\n")  # fmt: skip
        with serve_project(project, "mvp-api") as url:
            command = GUIDE_CURL.replace("http://localhost:8000", url)
            curl = subprocess.run(["bash", "-c", command], capture_output=True, text=True,
                                  timeout=60)  # fmt: skip
            answer = json.loads(curl.stdout)
            assert answer["response"] == "echo: Explain webhooks (user messages seen: 1)"
            follow = {"message": "An example?", "conversation_id": answer["conversation_id"]}
            with httpx.stream("POST", f"{url}/api/ai/chat/stream", json=follow,
                              timeout=60) as stream:  # fmt: skip
                body = "".join(stream.iter_text())
            assert "event: delta" in body and "event: done" in body
            assert provider.last_user_messages() == ["Explain webhooks", "An example?"]
            assert "support assistant of mvp-api" in json.dumps(provider.requests[-1])
            health = ai_health_once(url, lambda meta: meta.get("conversations") == 1)
            assert health["provider"] == "openai-compatible" and health["conversations"] == 1

        once = run([venv_bin(project, "mvp-api"), "ai", "chat", "Hello there"], cwd=project)
        assert once.returncode == 0, once.output
        assert once.stdout.strip() == "echo: Hello there (user messages seen: 1)"

    whole_suite = run([venv_bin(project, "python"), "-m", "pytest", "-q", "-p",
                       "no:cacheprovider"], cwd=project)  # fmt: skip
    assert whole_suite.returncode == 0, whole_suite.output

    stub = project / "app/services/ai.py"
    edited = stub.read_text().replace("Answer concisely", "Answer in French")
    stub.write_text(edited)
    commit(project, "my prompt")
    removed = ok("remove-service", "ai", "--yes", cwd=project).stdout
    assert "Kept because you changed it" in removed and "app/services/ai.py" in removed
    assert stub.read_text() == edited
    assert not (project / "tests/services/test_ai.py").exists()
    assert "aegis-ai" not in dependency_names(project)
    assert "ai" not in manifest(project)["components"]
