"""A column of the project's own on `users`, added in the `app/models/user.py` stub as its
comment says: autogenerate writes it on the project's branch (and nothing else), depending on
auth's branch, it applies on the migrated database and on a fresh one, auth keeps working over
HTTP, and the column reads and writes through the same `User`; on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from aegis_auth.testing import AuthProject, make_project
from aegis_database import sync_url
from aegis_database.testing import temporary_postgres_database

STUB = Path(__file__).parents[1] / "src/aegis_auth/stubs/files/app/models/user.py"
USE_COLUMN = '''
"""Write and read the project's column through the same User aegis-auth uses."""
from aegis_database import db_session
from sqlmodel import select

from app.models.user import User

with db_session() as session:
    user = session.exec(select(User).where(User.email == "ada@example.com")).one()
    user.company = "Analytical Engines"
    session.add(user)
with db_session() as session:
    user = session.exec(select(User).where(User.company == "Analytical Engines")).one()
    print(user.email, user.company)
'''


def with_company_column(root: Path) -> None:
    """The stub, with its commented example column switched on, as a user would."""
    text = STUB.read_text()
    assert '# add_user_column(sa.Column("company"' in text, "the stub's example moved"
    lines = [
        line.removeprefix("# ") if line.startswith("# ") and "example" not in line else line
        for line in text.splitlines()
    ]
    models = root / "app" / "models"
    models.mkdir(exist_ok=True)
    (models / "__init__.py").write_text("")
    (models / "user.py").write_text("\n".join(lines) + "\n")
    (root / "app" / "use_column.py").write_text(USE_COLUMN)


@pytest.fixture
def project(tmp_path: Path) -> AuthProject:
    made = make_project(tmp_path / "proj", f"sqlite:///{tmp_path / 'app.db'}")
    with_company_column(made.root)
    return made


@pytest.fixture(params=["sqlite", "postgresql"])
def databases(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """The project's database and a fresh one, on the same server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'app.db'}", f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    server = request.getfixturevalue("postgres_url")
    with temporary_postgres_database(server) as url, temporary_postgres_database(server) as fresh:
        yield url, fresh


def columns_of_users(url: str) -> list[str]:
    engine = sa.create_engine(sync_url(url), poolclass=sa.pool.NullPool)
    try:
        return [column["name"] for column in sa.inspect(engine).get_columns("users")]
    finally:
        engine.dispose()


def test_a_column_added_in_the_stub_migrates_and_auth_keeps_working(
    databases: tuple[str, str], tmp_path: Path
) -> None:
    url, fresh_url = databases
    project = make_project(tmp_path / "proj", url)
    with_company_column(project.root)
    # `make migration m="user company"`, as the stub says
    assert 'make migration m="user company"' in STUB.read_text()
    revised = project.db("revision", "--autogenerate", "-m", "user company")
    assert revised.returncode == 0, revised.output
    [script] = (project.root / "migrations" / "versions").glob("*.py")
    text = script.read_text()
    assert "add_column" in text and "company" in text, text
    assert "drop_" not in text.split("def downgrade")[0], text  # nothing of auth's undone
    assert "create_table" not in text, text
    assert 'depends_on: str | Sequence[str] | None = "auth"' in text, text  # added for us
    assert project.db("upgrade").returncode == 0

    with project.serve() as client:
        assert client.register("ada@example.com", "a long password").status_code == 201
        tokens = client.login("ada@example.com", "a long password")
        me = client.get("/auth/me", tokens["access_token"])
        assert me.status_code == 200 and me.json()["email"] == "ada@example.com", me.text
    used = project.run("app.use_column")
    assert used.returncode == 0, used.output
    assert used.stdout.strip() == "ada@example.com Analytical Engines"

    # a fresh database gets auth's tables first, then the project's column
    fresh = project.db("upgrade", DATABASE_URL=fresh_url)
    assert fresh.returncode == 0, fresh.output
    assert "company" in columns_of_users(fresh_url)
    created = project.cli(
        "create-user", "bob@example.com", "--password-stdin", stdin="a long password\n"
    )
    assert created.returncode == 0, created.output  # the CLI never imported the stub


def test_a_column_auth_could_not_fill_is_refused_in_one_line(project: AuthProject) -> None:
    stub = project.root / "app" / "models" / "user.py"
    stub.write_text(stub.read_text().replace("nullable=True", "nullable=False"))

    revised = project.db("revision", "-m", "user company", "--autogenerate")

    assert revised.returncode != 0
    assert "users.company must be nullable=True" in revised.output, revised.output
