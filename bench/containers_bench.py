"""`make up` of a generated project under a real Docker engine: cold, warm, rebuild, image size.

    uv run python bench/containers_bench.py

A project with worker, scheduler and database is generated against the workspace's packages
(served over HTTP, as the tests do), then run with the project's own `make up` on the engine
and base images of tests/containers_support.py (local/python:3.11 and local/redis, made once).

- cold: no image of the project and an empty build cache (`docker builder prune`), so the
  build downloads uv and every dependency (`make up` returns; then until every container is
  healthy by its HEALTHCHECK);
- warm: `make down`, then `make up` with nothing changed;
- one route edited: a route added to the project, `docker compose build web` (target <= 10 s;
  the dependency layer must stay cached), then `make up` until healthy;
- image size, and the base image's size beside it (what the project adds).
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.containers_support import BASE_IMAGE, Stack, ensure_engine, serve_index  # noqa: E402
from tests.index_support import publish_wheelhouse  # noqa: E402
from tests.support import aegis  # noqa: E402

ROUTE = """

@router.get("/bench-ping")
async def bench_ping() -> dict[str, str]:
    return {"pong": "yes"}
"""


def timed(step: str, action: object) -> float:
    started = time.perf_counter()
    result = action() if callable(action) else None
    elapsed = time.perf_counter() - started
    if result is not None and getattr(result, "returncode", 0) != 0:
        raise SystemExit(f"{step} failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    return elapsed


def up_until_healthy(stack: Stack) -> tuple[float, float]:
    """Seconds until `make up` returns, and until every container is healthy."""
    started = time.perf_counter()
    returned = timed("make up", lambda: stack.make("up"))
    stack.wait_healthy()
    return returned, time.perf_counter() - started


def image_mb(name: str, stack: Stack) -> float:
    inspect = stack.engine.docker("image", "inspect", name)
    return float(json.loads(inspect.stdout)[0]["Size"]) / 1e6


def generate(root: Path, index_url: str) -> Path:
    made = aegis(
        "init", "mvp-api", "--no-interactive", "--components", "worker,scheduler,database",
        cwd=root, env={"AEGIS_INDEX": index_url},
    )  # fmt: skip
    if made.returncode != 0:
        raise SystemExit(made.output)
    return root / "mvp-api"


def measure(stack: Stack) -> dict[str, float]:
    figures: dict[str, float] = {}
    stack.engine.docker("image", "rm", "mvp-api:latest")
    stack.engine.docker("builder", "prune", "--all", "--force")
    figures["cold make up"], figures["cold to all healthy"] = up_until_healthy(stack)
    timed("make down", lambda: stack.make("down"))
    figures["warm make up"], figures["warm to all healthy"] = up_until_healthy(stack)
    routing = stack.project / "app" / "components" / "backend" / "api" / "routing.py"
    routing.write_text(routing.read_text() + ROUTE)
    figures["rebuild after one route"] = timed("build", lambda: stack.compose("build", "web"))
    figures["make up after one route, to healthy"] = up_until_healthy(stack)[1]
    figures["image MB"] = image_mb("mvp-api:latest", stack)
    figures["base image MB"] = image_mb(BASE_IMAGE, stack)
    return figures


def main() -> int:
    from aegis_cli.index import resolve_index
    from aegis_core.testing import free_port

    engine = ensure_engine()
    wheelhouse = Path(resolve_index().url)
    with tempfile.TemporaryDirectory() as temp:
        index = publish_wheelhouse(wheelhouse, Path(temp) / "index")
        with serve_index(index, wheelhouse.name) as url:
            project = generate(Path(temp), f"{url}/simple/")
            stack = Stack(project, f"aegisbench-{free_port()}", free_port(), engine)
            try:
                figures = measure(stack)
            finally:
                stack.tear_down()
    for name, value in figures.items():
        unit = "" if name.endswith("MB") else " s"
        print(f"{name:<40} {value:8.1f}{unit}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
