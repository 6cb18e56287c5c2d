"""aegis-auth vs a bare FastAPI route: `GET /auth/me` with a valid token, side by side.

    uv run python bench/auth_bench.py [--requests 500] [--rounds 5] [--logins 20] [--adds 5]

Two real uvicorn processes, started the same way and measured in the same run:
- aegis: a project with aegis-auth (SQLite, migrated), `GET /api/auth/me` (verifies the JWT with
  every claim required, loads the user, checks its token version and that it is active);
- bare:  a FastAPI app whose one sync route verifies the same token with PyJWT and returns
  its `sub` (no database).
Rounds alternate sides over one keep-alive connection each; the median round's requests/s is
reported, and the ratio aegis/bare. Login p50/p90 is the cost of one Argon2 verify plus the
token writes, measured sequentially.

`aegis add-service auth` wall time (`--adds` rounds, 0 to skip): a project from `aegis init`
(the workspace's wheels in a private flat index, like bench/lifecycle_bench.py); the first add
also adds the database and is reported apart; then rounds of remove-service + add-service
(the database stays), committed after each as a user would; the median add is reported.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import psutil
from aegis_auth.testing import make_project
from aegis_core.testing import run_server

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.lifecycle_support import commit, private_index  # noqa: E402
from tests.support import aegis as run_aegis  # noqa: E402

BARE_APP = """
import os

import jwt
from fastapi import FastAPI, Header, HTTPException

app = FastAPI()
KEY = os.environ["AUTH_SECRET_KEY"]
REQUIRED = ["sub", "iat", "exp", "iss", "aud", "jti", "typ"]


@app.get("/me")
def me(authorization: str = Header()) -> dict[str, str]:
    token = authorization.removeprefix("Bearer ")
    try:
        claims = jwt.decode(token, KEY, algorithms=["HS256"], audience="aegis-api",
                            issuer="aegis", options={"require": REQUIRED})
    except jwt.PyJWTError:
        raise HTTPException(401, headers={"WWW-Authenticate": "Bearer"}) from None
    return {"sub": claims["sub"]}
"""


def rate(
    client: httpx.Client, url: str, token: str, requests: int, server: psutil.Process
) -> tuple[float, float]:
    """(requests/s, the server's CPU µs per request) over `requests` sequential requests."""
    headers = {"Authorization": f"Bearer {token}"}
    cpu_before = sum(server.cpu_times()[:2])
    started = time.perf_counter()
    for _ in range(requests):
        response = client.get(url, headers=headers)
        assert response.status_code == 200, response.text
    elapsed = time.perf_counter() - started
    return requests / elapsed, (sum(server.cpu_times()[:2]) - cpu_before) / requests * 1e6


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def timed_aegis(*args: str, cwd: Path) -> float:
    started = time.perf_counter()
    result = run_aegis(*args, "--yes", cwd=cwd)
    elapsed = time.perf_counter() - started
    assert result.returncode == 0, result.output
    commit(cwd, " ".join(args))
    return elapsed


def add_service_seconds(rounds: int) -> tuple[float, list[float]]:
    """(first add, with the database; the later adds of auth alone)."""
    with tempfile.TemporaryDirectory(prefix="auth-bench-") as scratch:
        root = Path(scratch)
        result = run_aegis("init", "bench-auth", "--no-interactive", cwd=root)
        assert result.returncode == 0, result.output
        project = root / "bench-auth"
        private_index(project, root / "index")
        first = timed_aegis("add-service", "auth", cwd=project)
        adds = []
        for _ in range(rounds):
            timed_aegis("remove-service", "auth", cwd=project)
            adds.append(timed_aegis("add-service", "auth", cwd=project))
    return first, adds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--logins", type=int, default=20)
    parser.add_argument("--adds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        project = make_project(root / "proj", f"sqlite:///{root / 'app.db'}", LOG_LEVEL="WARNING")
        (root / "bare").mkdir()
        (root / "bare" / "bare_app.py").write_text(BARE_APP)
        quiet = {"AUTH_LOGIN_LIMIT": "10000", "AUTH_REGISTER_LIMIT": "10000"}
        with (
            project.serve(**quiet) as aegis,
            run_server(
                "bare_app:app", cwd=root / "bare", env=project.env, ready_path="/docs"
            ) as bare,
        ):
            aegis.register("bench@example.com", "bench password")
            token = aegis.login("bench@example.com", "bench password")["access_token"]
            sides = {
                "aegis": (f"{aegis.url}/api/auth/me", psutil.Process(aegis.server.process.pid)),
                "bare": (f"{bare.url}/me", psutil.Process(bare.process.pid)),
            }
            figures: dict[str, list[float]] = {name: [] for name in sides}
            cpu: dict[str, list[float]] = {name: [] for name in sides}
            with httpx.Client(timeout=30) as client:
                for url, process in sides.values():  # warm up both
                    rate(client, url, token, 50, process)
                for _ in range(args.rounds):
                    for name, (url, process) in sides.items():
                        per_second, cpu_us = rate(client, url, token, args.requests, process)
                        figures[name].append(per_second)
                        cpu[name].append(cpu_us)
                body = {"email": "bench@example.com", "password": "bench password"}
                logins = [
                    timed(lambda: client.post(f"{aegis.url}/api/auth/login", json=body))
                    for _ in range(args.logins)
                ]
    medians = {name: statistics.median(values) for name, values in figures.items()}
    print(f"GET /auth/me   aegis {medians['aegis']:8.0f} req/s (median of {args.rounds} rounds)")
    print(f"bare JWT route       {medians['bare']:8.0f} req/s")
    print(f"ratio aegis/bare     {medians['aegis'] / medians['bare']:8.2f}")
    aegis_cpu, bare_cpu = (statistics.median(cpu[name]) for name in ("aegis", "bare"))
    print(
        f"server CPU/request   aegis {aegis_cpu:.0f} us, bare {bare_cpu:.0f} us "
        f"(ratio bare/aegis {bare_cpu / aegis_cpu:.2f}: the same comparison, less noisy)"
    )
    print(
        f"login          p50 {percentile(logins, 0.5) * 1000:6.1f} ms   "
        f"p90 {percentile(logins, 0.9) * 1000:6.1f} ms   ({args.logins} sequential logins)"
    )
    if args.adds:
        first, adds = add_service_seconds(args.adds)
        print(f"add-service auth   first (adds the database too) {first:5.2f} s")
        print(
            f"add-service auth   median {statistics.median(adds):5.2f} s   "
            f"({args.adds} rounds: {', '.join(f'{a:.2f}' for a in adds)})"
        )


if __name__ == "__main__":
    main()
