from fastapi.testclient import TestClient

from app.services.greetings import greet


def test_greet_falls_back_to_default_name() -> None:
    assert greet("  ") == "Hello, world!"


def test_hello_route_calls_the_service(client: TestClient) -> None:
    response = client.get("/api/hello", params={"name": "Ada"})
    assert response.status_code == 200
    assert response.json() == {"message": "Hello, Ada!"}


def test_hello_route_validates_input(client: TestClient) -> None:
    assert client.get("/api/hello", params={"name": ""}).status_code == 422
