"""Auth end to end through your app: register, log in, call a protected route with the token.

The `db_session` fixture (aegis-database) points the app at a fresh SQLite file with every
table created, the users table included.
"""

from aegis_database import Session
from fastapi import APIRouter, Depends, FastAPI
from fastapi.testclient import TestClient

from app.components.backend.api.deps import get_current_active_user
from app.main import app
from app.models.user import User

ACCOUNT = {"email": "ada@example.com", "password": "correct horse battery"}


def test_register_login_and_call_a_protected_route(db_session: Session) -> None:
    client = TestClient(app)
    assert client.post("/api/auth/register", json=ACCOUNT).status_code == 201
    login = client.post("/api/auth/login", json=ACCOUNT)
    assert login.status_code == 200, login.text
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}

    assert client.get("/api/auth/me", headers=headers).json()["email"] == ACCOUNT["email"]
    assert client.get("/api/auth/me").status_code == 401

    router = APIRouter()  # a route of your own, protected the way your API modules do it

    @router.get("/mine")
    def mine(current_user: User = Depends(get_current_active_user)) -> dict[str, str]:
        return {"email": current_user.email}

    yours = FastAPI()
    yours.include_router(router)
    assert TestClient(yours).get("/mine", headers=headers).json() == {"email": ACCOUNT["email"]}
    assert TestClient(yours).get("/mine").status_code == 401


def test_a_wrong_password_is_refused(db_session: Session) -> None:
    client = TestClient(app)
    client.post("/api/auth/register", json=ACCOUNT)
    wrong = client.post("/api/auth/login", json={**ACCOUNT, "password": "not it at all"})
    assert wrong.status_code == 401
    assert wrong.headers["WWW-Authenticate"] == "Bearer"
