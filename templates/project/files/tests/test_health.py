from fastapi.testclient import TestClient


def test_health_reports_backend_and_frontend(client: TestClient) -> None:
    """The parts this project always has are healthy. (Components you add, e.g. the worker,
    report their own infrastructure: /health answers 503 while Redis is down, by design.)"""
    response = client.get("/health")
    assert response.status_code in (200, 503)
    components = response.json()["components"]
    assert components["backend"]["status"] == "healthy"
    assert components["frontend"]["status"] == "healthy"


def test_dashboard_is_served_offline(client: TestClient) -> None:
    response = client.get("/dashboard/")
    assert response.status_code == 200
    assert "flet.noCdn=true;" in response.text  # the offline build, not the CDN default
