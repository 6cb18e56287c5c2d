"""Migrations through the real CLI in a subprocess: a package branch, the project's branch,
autogenerate, on real SQLite and PostgreSQL, with the project's thin env from the stub template.

The package is a real distribution as far as `importlib.metadata` knows: a `.dist-info` with
an `aegis.migrations` entry point on PYTHONPATH, exactly what `uv add aegis-auth` would leave.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from aegis_core.testing import free_port, wait_until
from aegis_database.urls import sync_url
from sqlalchemy import Engine, create_engine, inspect
from sqlalchemy.pool import NullPool

TEMPLATE = Path(__file__).resolve().parents[3] / "templates" / "database" / "files"

DEMO_REVISION = '''
"""demo: items"""
import sqlalchemy as sa
from alembic import op

revision = "d0001"
down_revision = None
branch_labels = {labels}
depends_on = None


def upgrade() -> None:
    op.create_table(
        "demo_item",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(50), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("demo_item")
'''

DEMO_MODELS = """
from sqlmodel import Field, SQLModel


class DemoItem(SQLModel, table=True):
    __tablename__ = "demo_item"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=50)
"""

WIDGET_MODEL = """
from sqlmodel import Field, SQLModel


class Widget(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    label: str
"""


@dataclass
class Project:
    root: Path
    env: dict[str, str]

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "aegis_database", *args],
            cwd=self.root,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    def engine(self) -> Engine:
        url = sync_url(self.env["DATABASE_URL"], base=self.root)
        return create_engine(url, poolclass=NullPool)

    def tables(self) -> set[str]:
        engine = self.engine()
        try:
            return set(inspect(engine).get_table_names())
        finally:
            engine.dispose()


def make_demo_package(site: Path, *, labelled: bool = True) -> None:
    package = site / "demo_pkg"
    versions = package / "migrations" / "versions"
    versions.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "models.py").write_text(textwrap.dedent(DEMO_MODELS))
    (package / "migrations" / "__init__.py").write_text(
        'MODELS = ("demo_pkg.models",)\nRUNTIME_TABLES = ("demo_runtime",)\n'
    )
    labels = '("demo",)' if labelled else "None"
    (versions / "d0001_items.py").write_text(DEMO_REVISION.format(labels=labels))
    dist = site / "demo_pkg-0.1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: demo-pkg\nVersion: 0.1.0\n")
    (dist / "entry_points.txt").write_text("[aegis.migrations]\ndemo = demo_pkg.migrations\n")


def make_project(tmp_path: Path, url: str, *, stubs: bool = True) -> Project:
    root, site = tmp_path / "proj", tmp_path / "site"
    (root / "app" / "models").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[project]\nname = "proj"\nversion = "0"\n')
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "models" / "__init__.py").write_text("")
    if stubs:
        shutil.copytree(TEMPLATE / "migrations", root / "migrations")
    site.mkdir()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "PYTHONPATH": os.pathsep.join([str(site), str(root)]),
    }
    env.pop("AEGIS_PROJECT_DIR", None)
    return Project(root, env)


@pytest.fixture(params=["sqlite", "postgresql"])
def project(request: pytest.FixtureRequest, tmp_path: Path) -> Project:
    if request.param == "sqlite":
        url = "sqlite:///data/app.db"
    else:
        url = request.getfixturevalue("pg_url")
    created = make_project(tmp_path, url)
    make_demo_package(tmp_path / "site")
    return created


def test_package_branch_then_project_branch_with_autogenerate(project: Project) -> None:
    upgraded = project.cli("upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    assert "demo_item" in project.tables()
    assert "demo " in upgraded.stdout and "up to date" in upgraded.stdout

    # A table the package manages at run time must not be proposed for dropping.
    engine = project.engine()
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE demo_runtime (id INTEGER PRIMARY KEY)")
    engine.dispose()
    (project.root / "app" / "models" / "widget.py").write_text(textwrap.dedent(WIDGET_MODEL))

    created = project.cli("revision", "-m", "add widget", "--autogenerate")
    assert created.returncode == 0, created.stderr
    [revision] = (project.root / "migrations" / "versions").glob("*_add_widget.py")
    source = revision.read_text()
    assert "op.create_table(" in source and '"widget"' in source
    assert 'branch_labels: str | Sequence[str] | None = ("app",)' in source
    assert "demo_item" not in source and "demo_runtime" not in source
    assert_passes_the_project_lint(revision)

    assert project.cli("upgrade").returncode == 0
    assert {"widget", "demo_item", "alembic_version"} <= project.tables()
    current = project.cli("current").stdout
    branches = [line.split()[0] for line in current.splitlines()[1:]]
    assert {"app", "demo"} <= set(branches) and branches == sorted(branches)
    assert current.count("up to date") == len(branches)

    second = project.cli("revision", "-m", "nothing new", "--autogenerate")
    assert second.returncode == 0, second.stderr
    [nothing] = (project.root / "migrations" / "versions").glob("*_nothing_new.py")
    assert (
        f'down_revision: str | Sequence[str] | None = "{revision.name.split("_")[1]}"'
        in nothing.read_text()
    )


def assert_passes_the_project_lint(path: Path) -> None:
    """What a generated project's `make lint` runs, with its rule selection."""
    ruff = [sys.executable, "-m", "ruff"]
    rules = ["--select", "E,F,W,I,B,UP,SIM", "--line-length", "100"]
    checked = subprocess.run([*ruff, "check", *rules, str(path)], capture_output=True, text=True)
    formatted = subprocess.run(
        [*ruff, "format", "--check", "--line-length", "100", str(path)],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stdout
    assert formatted.returncode == 0, formatted.stdout


def test_an_unknown_revision_is_one_line_and_creates_no_database(tmp_path: Path) -> None:
    project = make_project(tmp_path, "sqlite:///data/app.db")

    for target in ("bogusrev", "bogus@-1", "app@-1"):
        result = project.cli("downgrade", target)
        assert result.returncode == 1
        assert result.stderr == (
            f"Error: unknown revision {target!r}: pick one from the `history` command, "
            "or a relative one such as `app@-1`\n"
        )
    assert project.cli("upgrade", "nope").returncode == 1
    assert not (project.root / "data").exists(), "nothing was opened on the way to the error"


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("nonsense", "not a database URL"),
        ("mysql://bob:hunter2@db/shop", "mysql is not supported"),
        ("postgresql://bob:hunter2@db:five/shop", "not a database URL"),
    ],
)
def test_a_bad_database_url_is_a_settings_error(tmp_path: Path, url: str, reason: str) -> None:
    project = make_project(tmp_path, url)

    result = project.cli("current")

    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("Error: DATABASE_URL=") and f"({reason}; use sqlite:///" in line
    assert line.endswith("fix DATABASE_URL in .env (or the environment)")
    assert "hunter2" not in line


def test_autogenerate_refuses_a_database_behind_its_migrations(project: Project) -> None:
    result = project.cli("revision", "-m", "too early", "--autogenerate")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Error: Target database is not up to date. (the database is behind its migrations: "
        "run the `upgrade` command first)"
    ]


def test_works_without_stubs_with_the_packaged_env(tmp_path: Path) -> None:
    project = make_project(tmp_path, "sqlite:///data/app.db", stubs=False)
    make_demo_package(tmp_path / "site")
    result = project.cli("upgrade")
    assert result.returncode == 0, result.stderr
    assert "demo_item" in project.tables()
    assert (project.root / "data" / "app.db").is_file()
    sources = project.cli("sources").stdout
    assert "demo" in sources and "demo-pkg" in sources


def test_an_unlabelled_package_branch_is_named_in_one_line(tmp_path: Path) -> None:
    project = make_project(tmp_path, "sqlite:///data/app.db")
    make_demo_package(tmp_path / "site", labelled=False)
    result = project.cli("upgrade")
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("Error: base revision d0001 in ")
    assert line.endswith("must declare branch_labels = ('demo',)")


def test_an_unreachable_database_is_one_line(tmp_path: Path) -> None:
    from aegis_core.testing import free_port

    url = f"postgresql://postgres:secret@127.0.0.1:{free_port()}/nothing"
    project = make_project(tmp_path, url)
    result = project.cli("upgrade")
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("Error: database postgresql://postgres:***@127.0.0.1")
    assert "secret" not in result.stderr


async def test_health_warns_while_installed_migrations_are_pending(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aegis_core.health.models import HealthStatus
    from aegis_database.health import check_database
    from aegis_database.settings import DatabaseSettings

    project = make_project(tmp_path, "sqlite:///data/app.db")
    make_demo_package(tmp_path / "site")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    monkeypatch.setenv("AEGIS_PROJECT_DIR", str(project.root))
    # A generous budget: this test is about the verdict, not about slow first imports.
    settings = DatabaseSettings(DATABASE_URL="sqlite:///data/app.db", DATABASE_HEALTH_TIMEOUT=30)

    before = await check_database(settings)
    assert before.status is HealthStatus.WARNING
    assert before.message.endswith("): run `make migrate`"), before.message
    assert before.metadata["migrations"]["demo"] == 1  # beside any other installed package's

    assert project.cli("upgrade").returncode == 0
    after = await check_database(settings)
    assert after.status is HealthStatus.HEALTHY, after.message
    assert after.metadata["migrations"]["demo"] == 0


WAITING_MAIN = """
from aegis_core import CoreSettings, create_app

app = create_app(CoreSettings(APP_NAME="waiting", DASHBOARD_ENABLED=False))
"""


def _answers(url: str) -> bool:
    try:
        return httpx.get(f"{url}/health", timeout=2).status_code in (200, 503)
    except httpx.HTTPError:
        return False


def _serve(project: Project, wait: str) -> tuple[subprocess.Popen[bytes], str]:
    (project.root / "app" / "main.py").write_text(WAITING_MAIN)
    port = free_port()
    env = {**project.env, "AEGIS_COMPONENTS": "database", "DATABASE_WAIT_FOR_MIGRATIONS": wait}
    command = [sys.executable, "-m", "uvicorn", "app.main:app", "--port", str(port)]
    process = subprocess.Popen(command, cwd=project.root, env=env, stdout=subprocess.DEVNULL)
    return process, f"http://127.0.0.1:{port}"


@pytest.fixture
def pg_project(tmp_path: Path, pg_url: str) -> Project:
    made = make_project(tmp_path, pg_url)
    make_demo_package(tmp_path / "site")
    return made


# `make up` with PostgreSQL: a one-shot `migrate` container applies the migrations while web
# starts beside it; web, told to wait, takes no request before the tables are there.
def test_a_waiting_server_answers_only_once_migrations_are_applied(pg_project: Project) -> None:
    project = pg_project
    process, url = _serve(project, "60")
    try:
        time.sleep(4)  # long enough to start; it must still be waiting
        assert process.poll() is None and not _answers(url), "served before the migrations"
        upgraded = project.cli("upgrade")
        assert upgraded.returncode == 0, upgraded.stderr
        wait_until(lambda: _answers(url), 30, what="the server to answer after `db upgrade`")
        database = httpx.get(f"{url}/health/detailed", timeout=10).json()["components"]
        assert "pending" not in database["database"]["message"], database["database"]
    finally:
        process.terminate()
        process.wait(30)


def test_after_its_limit_a_waiting_server_serves_and_names_what_is_pending(
    pg_project: Project,
) -> None:
    process, url = _serve(pg_project, "2")
    try:
        wait_until(lambda: _answers(url), 30, what="the server to give up waiting and serve")
        health = httpx.get(f"{url}/health/detailed", timeout=10).json()
        assert "migrations pending" in health["components"]["database"]["message"]
    finally:
        process.terminate()
        process.wait(30)
