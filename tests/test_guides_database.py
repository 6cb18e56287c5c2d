"""The guides' database patterns, pasted into a generated project with the database added.

One service (`UserService`, written against `AsyncSession`) called from a CLI command module, an
API route and a test using the `db_session` fixture, with `with db_session() as session:` from
`app.core.db`; its table comes from `make migration` + `make migrate`, and the migration file
passes the project's ruff. The snippets are verbatim; the lines a user adds around them (imports,
the `User` model, the e-mail service and password hashing the guide leaves out) are marked.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import httpx
import pytest

from tests.lifecycle_support import commit, ok
from tests.support import Result, copy_project, run, serve_project, venv_bin

SLUG = "mvp-api"

# --- what the user writes that the guides assume ------------------------------------------
USER_MODELS = '''"""Users."""

from sqlmodel import Field, SQLModel


class UserCreate(SQLModel):
    email: str
    full_name: str
    password: str = "change-me"


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(index=True)
    full_name: str
    hashed_password: str
'''

SECURITY = '''"""Password hashing."""

import hashlib


def hash_password(password: str) -> str:
    return hashlib.sha256(password.encode()).hexdigest()
'''

EMAIL_SERVICE = '''"""E-mail: written to data/outbox.log."""

from pathlib import Path


class EmailService:
    async def send_welcome_email(self, user_id: int | None) -> None:
        with Path("data/outbox.log").open("a") as outbox:
            outbox.write(f"welcome {user_id}\\n")
'''

# --- the guides' snippets (user-added lines marked "added") -------------------------------
USER_SERVICE = '''# app/services/user_service.py
from sqlmodel.ext.asyncio.session import AsyncSession
from app.models.user import User, UserCreate
from app.services.email_service import EmailService
from app.core.security import hash_password  # added

class UserService:
    """Service for managing users."""

    def __init__(self, db: AsyncSession):
        self.db = db
        self.email_service = EmailService()

    async def create_user(self, user_data: UserCreate) -> User:
        """Create user and send welcome email."""
        # Step 1: Create user in database
        user = User(
            email=user_data.email,
            full_name=user_data.full_name,
            hashed_password=hash_password(user_data.password)
        )
        self.db.add(user)
        await self.db.commit()
        await self.db.refresh(user)

        # Step 2: Send welcome email
        await self.email_service.send_welcome_email(user.id)

        return user
'''

USERS_CLI = '''# app/cli/users.py
import typer  # added
from app.models.user import UserCreate  # added
from app.services.user_service import UserService
from app.core.db import db_session

app = typer.Typer()  # added

@app.command()
async def create_user(email: str, name: str):
    """Create a new user."""
    with db_session() as session:
        user_service = UserService(session)
        data = UserCreate(email=email, full_name=name)
        user = await user_service.create_user(data)
    print(f"Created user: {user.email}")
'''

USERS_API = """# app/components/backend/api/users.py
from fastapi import APIRouter  # added
from app.models.user import UserCreate  # added
from app.services.user_service import UserService
from app.core.db import db_session

router = APIRouter()  # added

@router.post("/users")
async def create_user_endpoint(data: UserCreate):
    with db_session() as session:
        user_service = UserService(session)
        user = await user_service.create_user(data)
    return user
"""

SERVICE_TEST = '''# tests/services/test_user_service.py
from app.models.user import UserCreate  # added
from app.services.user_service import UserService  # added

async def test_create_user(db_session):
    """Test user creation workflow."""
    user_service = UserService(db_session)

    data = UserCreate(email="test@example.com", full_name="Test User")
    user = await user_service.create_user(data)

    assert user.email == "test@example.com"
    assert user.id is not None
'''


def paste(project: Path, files: dict[str, str]) -> None:
    for relative, source in files.items():
        path = project / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source)


@pytest.fixture(scope="module")
def seeded(cached_project: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project with the database, the snippets, one migration made and applied."""
    project = copy_project(cached_project, tmp_path_factory.mktemp("guides-db") / SLUG)
    ok("add", "database", cwd=project)
    commit(project, "database")
    paste(
        project,
        {
            "app/models/user.py": USER_MODELS,
            "app/core/security.py": SECURITY,
            "app/services/email_service.py": EMAIL_SERVICE,
            "app/services/user_service.py": USER_SERVICE,
            "app/cli/users.py": USERS_CLI,
            "app/components/backend/api/users.py": USERS_API,
            "tests/services/test_user_service.py": SERVICE_TEST,
        },
    )
    routing = project / "app" / "components" / "backend" / "api" / "routing.py"
    routing.write_text(
        routing.read_text().replace(
            "from app.core.constants import",
            "from app.components.backend.api.users import router as users_router\n"
            "from app.core.constants import",
        )
        + "\n\nrouter.include_router(users_router)\n"
    )
    for step in (["make", "migration", "m=add users"], ["make", "migrate"]):
        result = run(step, cwd=project, timeout=300)
        assert result.returncode == 0, result.output
    return project


def cli(project: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    return run([venv_bin(project, SLUG), *args], cwd=project, env=env, timeout=120)


def emails(project: Path) -> list[str]:
    with sqlite3.connect(project / "data" / "app.db") as connection:
        return [row[0] for row in connection.execute('SELECT email FROM "user" ORDER BY id')]


def test_a_new_migration_passes_the_projects_ruff(seeded: Path) -> None:
    [migration] = (seeded / "migrations" / "versions").glob("*_add_users.py")
    assert "op.create_table(" in migration.read_text()

    checked = run(["uv", "run", "ruff", "check", "migrations"], cwd=seeded)
    formatted = run(["uv", "run", "ruff", "format", "--check", "migrations"], cwd=seeded)

    assert checked.returncode == 0, checked.output
    assert formatted.returncode == 0, formatted.output


def test_the_cli_command_module_calls_the_service(seeded: Path) -> None:
    result = cli(seeded, "users", "create-user", "cli@example.com", "Cli User")

    assert result.returncode == 0, result.output
    assert result.stdout == "Created user: cli@example.com\n"
    assert "cli@example.com" in emails(seeded)


def test_the_route_calls_the_service(seeded: Path) -> None:
    with serve_project(seeded, SLUG) as url:
        response = httpx.post(
            f"{url}/api/users",
            json={"email": "api@example.com", "full_name": "Api User"},
            timeout=30,
        )

    assert response.status_code == 200, response.text
    assert response.json()["email"] == "api@example.com"
    assert response.json()["id"] is not None
    assert "api@example.com" in emails(seeded)


def test_the_service_test_uses_the_db_session_fixture(seeded: Path) -> None:
    before = emails(seeded)

    result = run(["uv", "run", "pytest", "tests/services", "-q", "-p", "no:randomly"], cwd=seeded)

    assert result.returncode == 0, result.output
    assert "1 passed" in result.stdout
    assert emails(seeded) == before, "the test ran on its own database"
