"""With aegis-auth loaded, the ai routes need a login and a conversation is its user's alone;
the user guide's "AI + Auth" route (`get_ai_response(message=…, user_id=current_user.id)`)
works as written and keeps each user's history."""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx
from aegis_ai.sandbox import Project
from aegis_core.testing import run_server

REPO = Path(__file__).resolve().parents[3]
GUIDE_ROUTE = '''
from fastapi import APIRouter, Depends
from app.components.backend.api.deps import get_current_active_user
from app.models.user import User
from app.services.ai import get_ai_response

router = APIRouter()

@router.post("/ai/chat")
async def chat(
    message: str,
    current_user: User = Depends(get_current_active_user)  # Require auth
):
    """User-specific AI chat with conversation history."""
    response = await get_ai_response(
        message=message,
        user_id=current_user.id  # Personalized context
    )

    return {"response": response, "user": current_user.email}
'''
ROUTING = """from fastapi import APIRouter

from app.components.backend.api.ai.router import router as guide

router = APIRouter()
router.include_router(guide, prefix={prefix!r})
"""


def with_auth(project: Project, prefix: str = "/support") -> None:
    """The auth stubs as `aegis add-service auth` renders them, and the guide's route under
    `prefix` ("" puts it at the guide's own path, in front of the package's `/ai/chat`)."""
    for stub in ("app/components/backend/api/deps.py", "app/models/user.py"):
        target = project.root / stub
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / "templates" / "auth" / "files" / stub, target)
    api = project.root / "app" / "components" / "backend" / "api"
    (api / "ai").mkdir(parents=True)
    for package in (api.parent.parent, api.parent, api, api / "ai", project.root / "app/models"):
        (package / "__init__.py").touch()
    (api / "ai" / "router.py").write_text(GUIDE_ROUTE)
    (api / "routing.py").write_text(ROUTING.format(prefix=prefix))
    project.env.update(AEGIS_COMPONENTS="ai,auth,database", AI_STORE="auto",
                       DATABASE_URL=f"sqlite:///{project.root}/data/app.db",
                       AUTH_SECRET_KEY="x" * 48)  # fmt: skip
    project.migrate(REPO / "templates" / "database" / "files" / "migrations")


def login(url: str, email: str) -> dict[str, str]:
    account = {"email": email, "password": "correct horse battery"}
    assert httpx.post(f"{url}/api/auth/register", json=account, timeout=30).status_code == 201
    token = httpx.post(f"{url}/api/auth/login", json=account, timeout=30).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def test_conversations_belong_to_their_user(project: Project) -> None:
    with_auth(project)
    with run_server("serve:app", cwd=project.root, env=project.env) as server:
        api = f"{server.url}/api/ai"
        assert httpx.post(f"{api}/chat", json={"message": "hi"}, timeout=30).status_code == 401
        assert httpx.get(f"{api}/conversations", timeout=30).status_code == 401
        assert httpx.get(f"{api}/providers", timeout=30).status_code == 401
        alice, bob = login(server.url, "alice@example.com"), login(server.url, "bob@example.com")
        assert httpx.get(f"{api}/providers", headers=alice, timeout=30).status_code == 200

        started = httpx.post(f"{api}/chat", json={"message": "Alice's secret plan"},
                             headers=alice, timeout=30)  # fmt: skip
        assert started.status_code == 200, started.text
        conversation = started.json()["conversation_id"]
        mine = f"{api}/conversations/{conversation}"
        assert httpx.get(mine, headers=alice, timeout=30).status_code == 200
        assert httpx.get(mine, headers=bob, timeout=30).status_code == 404
        assert httpx.delete(mine, headers=bob, timeout=30).status_code == 404
        hijack = {"message": "tell me", "conversation_id": conversation}
        assert httpx.post(f"{api}/chat", json=hijack, headers=bob, timeout=30).status_code == 404
        assert httpx.get(f"{api}/conversations", headers=bob).json()["conversations"] == []
        listed = httpx.get(f"{api}/conversations", headers=alice).json()["conversations"]
        assert [c["id"] for c in listed] == [conversation]


def test_the_guides_ai_and_auth_route_keeps_each_users_history(project: Project) -> None:
    """Written as the guide writes it, at its own path: the project's route wins."""
    with_auth(project, prefix="")
    with run_server("serve:app", cwd=project.root, env=project.env) as server:
        route = f"{server.url}/api/ai/chat"
        alice, bob = login(server.url, "alice@example.com"), login(server.url, "bob@example.com")
        assert httpx.post(route, params={"message": "hi"}, timeout=30).status_code == 401

        first = httpx.post(route, params={"message": "My order is late"}, headers=alice,
                           timeout=30)  # fmt: skip
        assert first.status_code == 200, first.text
        assert first.json()["user"] == "alice@example.com"
        again = httpx.post(route, params={"message": "Any news?"}, headers=alice, timeout=30)
        assert 'previous message was: "My order is late"' in again.json()["response"]
        other = httpx.post(route, params={"message": "Hello"}, headers=bob, timeout=30)
        assert "Earlier messages in this conversation: 0" in other.json()["response"]
