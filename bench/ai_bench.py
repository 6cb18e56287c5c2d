"""aegis-ai vs PydanticAI used directly, against the same local OpenAI-compatible server.

    uv run python bench/ai_bench.py [--requests 200] [--rounds 5] [--first-tokens 100]

Three real uvicorn processes started the same way, measured in the same run:
- provider: `aegis_ai.testing`'s OpenAI-compatible server (chat completions, streamed chunks);
- aegis:    a project with aegis-ai (`AI_PROVIDER=openai-compatible` at the provider, memory
            store): `POST /api/ai/chat` and `POST /api/ai/chat/stream`;
- bare:     a FastAPI app calling a PydanticAI `Agent` on `OpenAIChatModel` directly: `POST
            /chat` (agent.run) and `POST /chat/stream` (agent.run_stream as SSE), no history.
Time to first token: from sending the request to the first `delta` event, alternating sides,
p50/p90. Requests/s: rounds alternate sides over one keep-alive connection each; the median
round of each side is reported with the ratio aegis/bare.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from aegis_ai.sandbox import make_project
from aegis_core.testing import run_server

PROVIDER_APP = """
from aegis_ai.testing import FakeOpenAI, build_app

app = build_app(FakeOpenAI())
"""
BARE_APP = """
import json
import os

from fastapi import FastAPI
from fastapi.responses import StreamingResponse
from pydantic import BaseModel
from pydantic_ai import Agent
from pydantic_ai.models.openai import OpenAIChatModel
from pydantic_ai.providers.openai import OpenAIProvider

provider = OpenAIProvider(base_url=os.environ["AI_BASE_URL"], api_key="unused")
agent = Agent(OpenAIChatModel("local", provider=provider), instructions="Be helpful.")
app = FastAPI()


class Chat(BaseModel):
    message: str


@app.post("/chat")
async def chat(body: Chat) -> dict[str, str]:
    return {"response": (await agent.run(body.message)).output}


@app.post("/chat/stream")
async def chat_stream(body: Chat) -> StreamingResponse:
    async def events():
        async with agent.run_stream(body.message) as run:
            async for delta in run.stream_text(delta=True, debounce_by=None):
                yield f"event: delta\\ndata: {json.dumps({'text': delta})}\\n\\n"
    return StreamingResponse(events(), media_type="text/event-stream")
"""
MESSAGE = {"message": "Explain webhooks in one paragraph"}


def first_token_ms(client: httpx.Client, url: str) -> float:
    started = time.perf_counter()
    with client.stream("POST", url, json=MESSAGE) as response:
        lines = response.iter_lines()
        for line in lines:
            if line.startswith("event: delta"):
                elapsed = (time.perf_counter() - started) * 1000
                for _ in lines:  # drain: the connection is reused
                    pass
                return elapsed
    raise RuntimeError(f"no delta from {url}")


def requests_per_second(client: httpx.Client, url: str, count: int) -> float:
    started = time.perf_counter()
    for _ in range(count):
        response = client.post(url, json=MESSAGE)
        response.raise_for_status()
    return count / (time.perf_counter() - started)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def alternate(sides: dict[str, Callable[[], float]], times: int) -> dict[str, list[float]]:
    results: dict[str, list[float]] = {name: [] for name in sides}
    for _ in range(times):
        for name, measure in sides.items():
            results[name].append(measure())
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--first-tokens", type=int, default=100)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ai-bench-"))
    (work / "provider_app.py").write_text(PROVIDER_APP)
    (work / "bare_app.py").write_text(BARE_APP)
    with run_server("provider_app:app", cwd=work, ready_path="/v1/models") as provider:
        base_url = f"{provider.url}/v1"
        project = make_project(work / "proj")
        aegis_env = {
            **project.env,
            "AI_PROVIDER": "openai-compatible",
            "AI_MODEL": "local",
            "AI_BASE_URL": base_url,
        }
        with (
            run_server("serve:app", cwd=project.root, env=aegis_env) as aegis,
            run_server(
                "bare_app:app", cwd=work, env={"AI_BASE_URL": base_url}, ready_path="/docs"
            ) as bare,
            httpx.Client(timeout=60) as aegis_client,
            httpx.Client(timeout=60) as bare_client,
        ):
            urls = {"aegis": f"{aegis.url}/api/ai/chat", "bare": f"{bare.url}/chat"}
            clients = {"aegis": aegis_client, "bare": bare_client}
            for name in urls:  # warm up: imports, connections, first agent build
                requests_per_second(clients[name], urls[name], 20)
                first_token_ms(clients[name], f"{urls[name]}/stream")
            ttft = alternate(
                {n: (lambda n=n: first_token_ms(clients[n], f"{urls[n]}/stream")) for n in urls},
                args.first_tokens,
            )
            rps = alternate(
                {
                    n: (lambda n=n: requests_per_second(clients[n], urls[n], args.requests))
                    for n in urls
                },
                args.rounds,
            )
    report(ttft, rps)


def report(ttft: dict[str, list[float]], rps: dict[str, list[float]]) -> None:
    print("time to first streamed token (ms)      p50      p90")
    for name, values in ttft.items():
        print(f"  {name:<36} {pct(values, 0.5):7.2f}  {pct(values, 0.9):7.2f}")
    added = pct(ttft["aegis"], 0.5) - pct(ttft["bare"], 0.5)
    print(f"  added by aegis-ai (p50)              {added:7.2f} ms   (target <= 10 ms)")
    medians = {name: statistics.median(values) for name, values in rps.items()}
    print("chat requests/s (median round)")
    for name, value in medians.items():
        print(f"  {name:<36} {value:7.1f}")
    print(
        f"  ratio aegis/bare                     {medians['aegis'] / medians['bare']:7.2f}"
        "   (target >= 0.8)"
    )


if __name__ == "__main__":
    main()
