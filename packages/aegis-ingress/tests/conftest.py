"""A throwaway project (a public route and one tagged `admin`) served by a real uvicorn, and
the real Traefik in front of it with the stub configuration this package ships."""

from __future__ import annotations

import os
import shutil
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from aegis_core.testing import free_port, run_server
from aegis_ingress.testing import Stack, loopback_static, run_traefik

STUBS = Path(__file__).parents[1] / "src" / "aegis_ingress" / "stubs" / "files"
ROUTES = """
from fastapi import APIRouter

router = APIRouter()
ops = APIRouter(prefix="/ops", tags=["admin"])


@router.get("/hello")
def hello() -> dict[str, str]:
    return {"hello": "world"}


@ops.get("/secret")
def secret() -> dict[str, str]:
    return {"secret": "for operators"}


router.include_router(ops)
"""


def make_project(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A project package with routes; the environment a server of it runs with."""
    package = f"ingress_{uuid.uuid4().hex[:10]}"
    api = tmp_path / package / "components" / "backend" / "api"
    api.mkdir(parents=True)
    for folder in (api, api.parent, api.parent.parent, tmp_path / package):
        (folder / "__init__.py").touch()
    (api / "routing.py").write_text(textwrap.dedent(ROUTES))
    (tmp_path / "serve.py").write_text(SERVE)
    path = os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")]))
    env = {
        "AEGIS_COMPONENTS": "ingress",
        "AEGIS_PROJECT_PACKAGE": package,
        "AEGIS_PROJECT_DIR": str(tmp_path),
        "PYTHONPATH": path,
        "ADMIN_IP_ALLOWLIST": "127.0.0.1/32",
        "INGRESS_TRUSTED_PROXIES": "127.0.0.1/32",
    }
    return tmp_path, env


def dynamic_copy(tmp_path: Path) -> Path:
    """The shipped dynamic configuration, in a folder of the test's own (Traefik watches it)."""
    target = tmp_path / "dynamic"
    shutil.copytree(STUBS / "traefik" / "dynamic", target)
    return target


SERVE = "from aegis_core.app import create_app\n\napp = create_app()\n"


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    return make_project(tmp_path)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Traefik (shipped config, on loopback) in front of the app; the app knows where it is.
    Shared by a module's tests: they only read (a test that stops Traefik starts its own)."""
    yield from start_stack(tmp_path_factory.mktemp("stack"))


@pytest.fixture
def own_stack(tmp_path: Path) -> Iterator[Stack]:
    yield from start_stack(tmp_path)


def start_stack(tmp_path: Path) -> Iterator[Stack]:
    root, env = make_project(tmp_path)
    app_port = free_port()
    config = loopback_static(STUBS / "traefik" / "traefik.yml", dynamic_copy(tmp_path), tmp_path)
    traefik_env = {
        "ADMIN_IP_ALLOWLIST": "127.0.0.1/32",
        "INGRESS_UPSTREAM_URL": f"http://127.0.0.1:{app_port}",
    }
    with run_traefik(config, traefik_env) as traefik:
        app_env = {**env, "INGRESS_TRAEFIK_URL": traefik.internal}
        with run_server("serve:app", cwd=root, env=app_env, port=app_port) as app:
            yield Stack(app, traefik)
