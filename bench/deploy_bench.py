"""`aegis deploy` wall time: the first deploy to an empty app folder, then unchanged redeploys.

    uv run python bench/deploy_bench.py [--redeploys N]

The "server" is the one of tests/test_deploy.py: Debian's sshd on a free loopback port (a
throwaway key) in front of the tests' Docker engine, reached only through the system ssh and
rsync. A project with the database component (SQLite) is generated against the workspace's
packages served over HTTP. Each deploy prints its phases (check server, copy files, build,
start + health, prune); the figures below are the whole `aegis deploy` process, measured here.
The first deploy builds with whatever build cache earlier runs left (nothing is pruned: the
engine is shared); target: a no-change redeploy <= 20 s.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from aegis_core.testing import free_port  # noqa: E402

from tests.containers_support import (  # noqa: E402
    BASE_IMAGE,
    REDIS_IMAGE,
    docker,
    ensure_engine,
    serve_index,
)
from tests.deploy_support import running_sshd  # noqa: E402
from tests.index_support import publish_wheelhouse  # noqa: E402
from tests.support import Result, aegis  # noqa: E402

SLUG = "benchship-api"


def must(result: Result, what: str) -> Result:
    if result.returncode != 0:
        raise SystemExit(f"{what} failed:\n{result.output[-3000:]}")
    return result


def timed_deploy(project: Path) -> tuple[float, str]:
    started = time.perf_counter()
    result = must(aegis("deploy", cwd=project), "aegis deploy")
    elapsed = time.perf_counter() - started
    phases = next((line for line in result.stdout.splitlines() if "total" in line), "")
    return elapsed, phases


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--redeploys", type=int, default=3)
    args = parser.parse_args()
    from aegis_cli.index import resolve_index

    engine = ensure_engine()
    index = Path(resolve_index().url)
    port = free_port()
    name = f"benchship-{port}"
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        wheels = publish_wheelhouse(index, root / "index")
        with (
            serve_index(wheels, index.name) as url,
            running_sshd(
                root / "sshd", {"DOCKER_CONFIG": engine.env["DOCKER_CONFIG"], "PORT": str(port)}
            ) as server,
        ):
            must(
                aegis(
                    "init", SLUG, "--no-interactive", "--components", "database",
                    cwd=root, env={"AEGIS_INDEX": f"{url}/simple/"},
                ),
                "aegis init",
            )  # fmt: skip
            project = root / SLUG
            env = (project / ".env.example").read_text()
            (project / ".env.deploy").write_text(
                env + f"PYTHON_IMAGE={BASE_IMAGE}\nREDIS_IMAGE={REDIS_IMAGE}\nBUILD_NETWORK=host\n"
            )
            server_path = root / "server" / SLUG
            must(
                aegis(
                    "deploy-init", "--host", "127.0.0.1", "--user", server.user,
                    "--port", str(server.port), "--path", str(server_path),
                    "-i", str(server.key), cwd=project,
                ),
                "deploy-init",
            )  # fmt: skip
            config = project / ".aegis" / "deploy.yml"
            config.write_text(
                re.sub(r"^project: .*$", f"project: {name}", config.read_text(), flags=re.M)
            )
            try:
                started = time.perf_counter()
                must(aegis("deploy-setup", "--accept-new-host-key", cwd=project), "deploy-setup")
                print(f"deploy-setup: {time.perf_counter() - started:.1f} s")
                seconds, phases = timed_deploy(project)
                print(f"first deploy: {seconds:.1f} s ({phases})")
                for n in range(args.redeploys):
                    seconds, phases = timed_deploy(project)
                    print(f"no-change redeploy {n + 1}: {seconds:.1f} s ({phases})")
            finally:
                docker("compose", "-p", name, "down", "--volumes", "--timeout", "5", env=engine.env)
                for tag in docker(
                    "images", SLUG, "--format", "{{.Repository}}:{{.Tag}}"
                ).stdout.split():
                    docker("rmi", tag)
                shutil.rmtree(server_path, ignore_errors=True)


if __name__ == "__main__":
    main()
