"""`aegis status [--json]`: installed components and services, versions, drift."""

from __future__ import annotations

import json
from pathlib import Path

from aegis_cli.lifecycle.project import open_project
from aegis_cli.lifecycle.status import collect, show


def run_status(project_path: Path, *, as_json: bool) -> None:
    status = collect(open_project(project_path))
    if as_json:
        print(json.dumps(status.to_data(), indent=2))
    else:
        show(status)
