from fastapi.testclient import TestClient


def test_health_lists_backend_and_frontend(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["healthy"] is True
    assert {"backend", "frontend"} <= set(body["components"])


def test_dashboard_is_served_offline(client: TestClient) -> None:
    response = client.get("/dashboard/")
    assert response.status_code == 200
    assert "noCdn" in response.text
