"""A generated project under a real Docker engine: `make up` builds one image and runs every
role in its own container (web, scheduler, one worker per queue, Redis; SQLite on a volume).

Everything is real: the engine (Debian's docker.io), Compose v2, the image built from the
project's Dockerfile with uv from PyPI and the aegis-* wheels from an index served over HTTP,
and the containers reached only through the port published on 127.0.0.1. The tests share one
running stack (built once) and run on one xdist worker so they never compete for the engine.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from aegis_core.testing import free_port, wait_until

from tests.containers_support import Engine, Stack, serve_index
from tests.lifecycle_support import commit
from tests.support import aegis, init_project

pytestmark = pytest.mark.xdist_group("containers")

SLUG = "mvp-api"
COMPONENTS = "worker,scheduler,database"
TICKS = "data/scheduler-ticks.log"
SCHEDULER_STUB = '''"""Test job: every 2 s, the scheduler container appends its host name to a
file on the project's data volume."""

import socket
from pathlib import Path

from apscheduler.schedulers.asyncio import AsyncIOScheduler


def tick() -> None:
    with Path("data/scheduler-ticks.log").open("a") as ticks:
        ticks.write(socket.gethostname() + "\\n")


def register_jobs(scheduler: AsyncIOScheduler) -> None:
    scheduler.add_job(tick, "interval", seconds=2, id="tick", name="tick", replace_existing=True)
'''


SLOW_ROUTE = '''

@router.get("/slow")
async def slow() -> dict[str, str]:
    """Test route: answers after 3 s (a request in flight when the container stops)."""
    import asyncio

    await asyncio.sleep(3)
    return {"finished": "yes"}
'''


@pytest.fixture(scope="module")
def container_index(index_dir: Path, aegis_index: str) -> Iterator[str]:
    """The workspace's packages over HTTP, at a stable URL while they do not change."""
    with serve_index(index_dir, Path(aegis_index).name) as url:
        yield f"{url}/simple/"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory, container_index: str) -> Path:
    """`aegis init` with worker, scheduler and database against the served index, plus a
    scheduled job of the user's, committed (as `aegis add/remove` want a clean tree)."""
    root = tmp_path_factory.mktemp("containers")
    project = init_project(root, SLUG, COMPONENTS, container_index)
    (project / "app" / "components" / "scheduler.py").write_text(SCHEDULER_STUB)
    routing = project / "app" / "components" / "backend" / "api" / "routing.py"
    routing.write_text(routing.read_text() + SLOW_ROUTE)
    shutil.copy(project / ".env.example", project / ".env")
    commit(project, "a scheduled job")
    return project


def new_stack(project: Path, engine: Engine, suffix: str) -> Stack:
    return Stack(project, f"aegistest-{suffix}-{free_port()}", free_port(), engine)


@pytest.fixture(scope="module")
def main_stack(generated: Path, docker_engine: Engine) -> Iterator[Stack]:
    """The generated project's compose stack; removed, volumes and all, after the module."""
    running = new_stack(generated, docker_engine, "main")
    try:
        yield running
    finally:
        running.tear_down()


@pytest.fixture
def stack(main_stack: Stack) -> Stack:
    """`make up` done, every container healthy (again, if a test took it down)."""
    main_stack.ensure_up()
    return main_stack


def test_make_up_runs_every_role_in_its_own_healthy_container(stack: Stack) -> None:
    states = stack.wait_healthy()
    assert sorted(states) == ["redis", "scheduler", "web", "worker-load-test", "worker-system"]
    assert all(len(s) == 1 for s in states.values()), states
    health = httpx.get(f"{stack.url}/health", timeout=10)
    assert health.status_code == 200, health.text
    components = health.json()["components"]
    for name in ("database", "scheduler", "worker"):
        assert components[name]["status"] == "healthy", components[name]
    assert "2 workers alive" in components["worker"]["message"]


def test_a_task_enqueued_through_the_api_completes_in_the_worker_container(stack: Stack) -> None:
    queued = httpx.post(
        f"{stack.url}/api/worker/tasks/generate_report", json={"report_id": 42}, timeout=10
    )
    assert queued.status_code == 202, queued.text
    job_id = queued.json()["job_id"]
    result_url = f"{stack.url}/api/worker/jobs/{job_id}/result"
    assert wait_until(lambda: httpx.get(result_url, timeout=10).status_code == 200, timeout=60)
    body = httpx.get(result_url, timeout=10).json()
    assert body["status"] == "complete" and body["result"]["report_id"] == 42, body
    logs = stack.compose("logs", "worker-system").stdout
    assert job_id in logs, logs[-2000:]


def test_restarting_a_worker_mid_job_loses_no_job(stack: Stack) -> None:
    """`docker compose restart` stops the worker with SIGTERM while a 6 s job runs: the job is
    cancelled back onto its queue, and the restarted container runs it to completion."""
    queued = httpx.post(
        f"{stack.url}/api/worker/tasks/io_task", json={"delay_ms": 6000}, timeout=10
    )
    assert queued.status_code == 202, queued.text
    job_id = queued.json()["job_id"]
    job_url = f"{stack.url}/api/worker/jobs/{job_id}"
    running = lambda: httpx.get(job_url, timeout=10).json()["status"] == "in_progress"  # noqa: E731
    assert wait_until(running, timeout=30, interval=0.2)
    restarted = stack.compose("restart", "worker-load-test")
    assert restarted.returncode == 0, restarted.stderr
    result_url = f"{job_url}/result"
    assert wait_until(lambda: httpx.get(result_url, timeout=10).status_code == 200, timeout=90)
    body = httpx.get(result_url, timeout=10).json()
    assert body["status"] == "complete" and body["success"] is True, body
    assert body["try"] == 2, body  # run again from the start by the restarted worker
    logs = stack.compose("logs", "worker-load-test").stdout
    assert f"{job_id}:io_task cancelled, will be run again" in logs, logs[-3000:]
    assert len([line for line in logs.splitlines() if f"← {job_id}:io_task" in line]) == 1


def test_a_worker_containers_healthcheck_vouches_for_its_own_process(stack: Stack) -> None:
    """Each worker container checks its own process's heartbeat, not Redis or the web app: the
    same check for a queue that container does not serve fails, though Redis answers."""
    for service, queue in (("worker-system", "system"), ("worker-load-test", "load_test")):
        [container] = [c for c in stack.containers() if f"-{service}-" in c["Names"]]
        inspect = stack.engine.docker("inspect", container["ID"])
        check = json.loads(inspect.stdout)[0]["Config"]["Healthcheck"]["Test"]
        assert check == ["CMD", SLUG, "worker", "alive", queue], check
        own = stack.compose("exec", "-T", service, SLUG, "worker", "alive", queue)
        assert own.returncode == 0 and queue in own.stdout, own.stdout + own.stderr
    other = stack.compose("exec", "-T", "worker-load-test", SLUG, "worker", "alive", "system")
    assert other.returncode == 1 and "no worker process on" in other.stderr, other.stderr


def test_the_scheduler_container_runs_the_users_job(stack: Stack) -> None:
    scheduler_host = stack.compose("exec", "-T", "scheduler", "hostname").stdout.strip()

    def ticks() -> list[str]:
        read = stack.compose("exec", "-T", "web", "cat", TICKS)  # another container, same volume
        return read.stdout.split() if read.returncode == 0 else []

    assert wait_until(lambda: len(ticks()) >= 2, timeout=30), ticks()
    assert set(ticks()) == {scheduler_host}
    jobs = stack.compose("exec", "-T", "scheduler", SLUG, "scheduler", "jobs").stdout
    assert "tick" in jobs, jobs


def test_one_non_root_image_with_a_healthcheck_and_no_local_files(stack: Stack) -> None:
    # One image for every role. Docker names it by id instead of its tag once another test
    # has rebuilt `<slug>:latest` while these containers still run the earlier build.
    images = {c["Image"] for c in stack.containers() if "redis" not in c["Names"]}
    assert len(images) == 1, images
    [image] = images
    assert image == f"{SLUG}:latest" or SLUG not in image, image
    inspect = stack.engine.docker("image", "inspect", image)
    config = json.loads(inspect.stdout)[0]["Config"]
    assert config["User"] == "app"
    assert config["Healthcheck"]["Test"] == ["CMD", SLUG, "health", "probe"]
    whoami = stack.compose("exec", "-T", "web", "id", "-u").stdout.strip()
    assert whoami not in {"", "0"}
    listing = stack.compose("exec", "-T", "web", "ls", "-a", "/srv/app").stdout.split()
    assert "app" in listing and ".env" not in listing and ".git" not in listing, listing


def test_sigterm_lets_the_web_container_finish_a_request_in_flight(stack: Stack) -> None:
    with ThreadPoolExecutor(1) as pool:
        in_flight = pool.submit(httpx.get, f"{stack.url}/api/slow", timeout=30)
        time.sleep(1)
        stopped = stack.compose("stop", "web")  # SIGTERM, then up to stop_grace_period
        reply = in_flight.result()
    assert stopped.returncode == 0, stopped.stderr
    assert reply.status_code == 200 and reply.json() == {"finished": "yes"}
    assert stack.health()["web"] == ["exited"]


def test_editing_code_rebuilds_without_reinstalling_dependencies(stack: Stack) -> None:
    # The baseline is a build of the project as it is now: another test may have changed its
    # dependencies (and put them back) since the running image was built.
    baseline = stack.compose("build", "web")
    assert baseline.returncode == 0, baseline.stderr[-3000:]
    before = _layers(stack)
    route = stack.project / "app" / "components" / "backend" / "api" / "routing.py"
    original = route.read_text()
    route.write_text(original + "\n# edited\n")
    try:
        built = stack.compose("build", "web")
    finally:
        route.write_text(original)  # the other tests' project stays as committed
    assert built.returncode == 0, built.stderr[-3000:]
    after = _layers(stack)
    assert after != before
    # Everything up to the dependency install is shared; only the code layers differ.
    shared = next(i for i, (a, b) in enumerate(zip(before, after, strict=False)) if a != b)
    assert shared >= len(before) - 2, (shared, len(before))


def _layers(stack: Stack) -> list[str]:
    inspect = stack.engine.docker("image", "inspect", f"{SLUG}:latest")
    layers: list[str] = json.loads(inspect.stdout)[0]["RootFS"]["Layers"]
    return layers


def test_data_survives_down_and_up_and_down_leaves_nothing_running(stack: Stack) -> None:
    write = "import sqlite3; c = sqlite3.connect('data/app.db'); " + (
        "c.execute('create table if not exists kept (v text)'); "
        "c.execute(\"insert into kept values ('survives')\"); c.commit()"
    )
    assert stack.compose("exec", "-T", "web", "python", "-c", write).returncode == 0
    down = stack.make("down")
    assert down.returncode == 0, down.stderr
    assert stack.containers() == []
    stack.up()
    read = "import sqlite3; print(sqlite3.connect('data/app.db').execute('select v from kept')" + (
        ".fetchall())"
    )
    kept = stack.compose("exec", "-T", "web", "python", "-c", read)
    assert "survives" in kept.stdout, kept.stdout + kept.stderr


def test_after_removing_the_worker_make_up_runs_no_worker_redis_or_orphan(
    generated: Path, main_stack: Stack, tmp_path: Path
) -> None:
    down = main_stack.make("down")  # two stacks at once would compete for the two cores
    assert down.returncode == 0, down.stdout[-2000:] + down.stderr[-2000:]
    project = tmp_path / SLUG
    shutil.copytree(generated, project, symlinks=True, ignore=shutil.ignore_patterns(".venv"))
    removal = new_stack(project, main_stack.engine, "remove")
    try:
        assert "worker-system" in removal.up()
        removed = aegis("remove", "worker", "--yes", cwd=project)
        assert removed.returncode == 0, removed.output
        assert sorted(removal.up()) == ["scheduler", "web"]
        services = {c["Labels"].split("com.docker.compose.service=")[1].split(",")[0]
                    for c in removal.containers()}  # fmt: skip
        assert services == {"scheduler", "web"}
        assert httpx.get(f"{removal.url}/health", timeout=10).status_code == 200
    finally:
        removal.tear_down()


def test_scaled_out_workers_run_each_job_once_and_one_scheduler_replica_leads(
    stack: Stack,
) -> None:
    # --build: the image tag is the project's slug, which the removal test's copy of the
    # project also builds; scaling must run this project's image, not whatever holds the tag.
    scaled = stack.compose(
        "up", "-d", "--build", "--scale", "worker-system=3", "--scale", "scheduler=2"
    )
    assert scaled.returncode == 0, scaled.stderr[-3000:]
    try:
        states = stack.wait_healthy()
        assert len(states["worker-system"]) == 3 and len(states["scheduler"]) == 2, states
        _each_job_completes_once(stack, jobs=24)
        _one_scheduler_leads_and_a_standby_takes_over(stack)
    finally:
        stack.compose("up", "-d", "--scale", "worker-system=1", "--scale", "scheduler=1")


def _each_job_completes_once(stack: Stack, jobs: int) -> None:
    """Three worker containers on one queue: every job completes, in exactly one of them."""
    enqueue = f"{stack.url}/api/worker/tasks/generate_report"
    ids = [
        httpx.post(enqueue, json={"report_id": n}, timeout=10).json()["job_id"] for n in range(jobs)
    ]
    done = lambda: all(  # noqa: E731
        httpx.get(f"{stack.url}/api/worker/jobs/{i}/result", timeout=10).status_code == 200
        for i in ids
    )
    assert wait_until(done, timeout=60, interval=1)
    logs = stack.compose("logs", "worker-system").stdout.splitlines()
    for job_id in ids:
        finished = [line for line in logs if f"← {job_id}:generate_report" in line]
        assert len(finished) == 1, (job_id, finished)


def _one_scheduler_leads_and_a_standby_takes_over(stack: Stack) -> None:
    """Two scheduler containers: the job's ticks come from one; killed, the other takes over."""

    def ticks() -> list[str]:
        read = stack.compose("exec", "-T", "web", "cat", TICKS)
        return read.stdout.split() if read.returncode == 0 else []

    start = len(ticks())
    assert wait_until(lambda: len(ticks()) >= start + 3, timeout=30, interval=1)
    leaders = set(ticks()[start:])
    assert len(leaders) == 1, leaders
    [leader] = leaders
    killed = stack.engine.docker("kill", leader)  # a container's host name is its short id
    assert killed.returncode == 0, killed.stderr
    start = len(ticks())

    def taken_over() -> bool:
        return any(t != leader for t in ticks()[start:])

    assert wait_until(taken_over, timeout=30, interval=1), ticks()[start:]
    after = ticks()[start:]
    first_new = next(i for i, t in enumerate(after) if t != leader)
    assert len(set(after[first_new:])) == 1
