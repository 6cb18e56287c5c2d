"""A throwaway project for tests: the ai stubs rendered into it, the real CLI and migrations.

Used by aegis-ai's own tests and its bench; the stubs come from this package's own `stubs/`
(what `aegis add-service ai` renders), so what is tested is what users get.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from aegis_ai import agent, stats
from aegis_ai.store_factory import reset_stores
from aegis_ai.testing import FakeOpenAI

STUBS = Path(__file__).resolve().parent / "stubs" / "files"
APP_MODULE = "from aegis_core import create_app\n\napp = create_app()\n"
GREETINGS = """def greet(name: str) -> str:
    return f"Hello, {name.strip() or 'World'}!"
"""
AI_VARIABLES = (
    "AI_PROVIDER",
    "AI_MODEL",
    "AI_BASE_URL",
    "AI_STORE",
    "AI_MAX_RETRIES",
    "AI_TIMEOUT_SECONDS",
    "AI_MAX_MESSAGE_CHARS",
    "AI_API_KEY",
    "OPENAI_API_KEY",
)


@dataclass
class Project:
    root: Path
    env: dict[str, str] = field(default_factory=dict)

    def cli(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        """`<slug> ai …` through the real project CLI in a subprocess."""
        code = "from aegis_core.cli import build_cli; build_cli('proj')()"
        return subprocess.run(
            [sys.executable, "-c", code, *args],
            cwd=self.root,
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=120,
        )

    def migrate(self, migrations: Path) -> None:
        """`database upgrade` through the real CLI with the project's thin alembic env from
        `migrations` (aegis-database's stub): every branch, `ai` included."""
        shutil.copytree(migrations, self.root / "migrations")
        done = subprocess.run(
            [sys.executable, "-m", "aegis_database", "upgrade"],
            cwd=self.root,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stdout + done.stderr


def make_project(root: Path) -> Project:
    """A project folder with `serve:app`, an example greetings service and the ai stubs."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text('[project]\nname = "proj"\nversion = "0"\n')
    (root / "serve.py").write_text(APP_MODULE)
    services = root / "app" / "services"
    services.mkdir(parents=True, exist_ok=True)
    (root / "app" / "__init__.py").write_text("")
    (services / "__init__.py").write_text("")
    (services / "greetings.py").write_text(GREETINGS)
    stub = (STUBS / "app" / "services" / "ai.py.jinja").read_text()
    (services / "ai.py").write_text(stub.replace("{{ project_name }}", "proj"))
    env = {name: value for name, value in os.environ.items() if name not in AI_VARIABLES}
    env.update(
        AEGIS_PROJECT_DIR=str(root),
        PYTHONPATH=str(root),
        AEGIS_COMPONENTS="ai",
        DASHBOARD_ENABLED="false",
        DATABASE_URL="sqlite:///data/app.db",
        AI_MAX_RETRIES="0",
        AI_STORE="memory",
    )
    return Project(root, env)


def provider_env(fake: FakeOpenAI) -> dict[str, str]:
    """AI_PROVIDER at the local server, as a user points a project at vLLM."""
    return {"AI_PROVIDER": "openai-compatible", "AI_BASE_URL": fake.url, "AI_MODEL": "local"}


def forget() -> None:
    """Drop this process's cached settings, agents, stores and last call."""
    agent.reset()
    reset_stores()
    stats.forget()
