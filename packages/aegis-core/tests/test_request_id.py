"""Every response carries exactly one `X-Request-ID`: the caller's when it is sane, else a new
one, also when a route set its own (the id in the logs and the one the caller sees agree)."""

from __future__ import annotations

from aegis_core.logs import RequestIdMiddleware, current_request_id
from fastapi import FastAPI, Response
from fastapi.testclient import TestClient


def make_app() -> FastAPI:
    app = FastAPI()
    app.add_middleware(RequestIdMiddleware)

    @app.get("/own-id")
    def own_id(response: Response) -> dict[str, str | None]:
        response.headers["X-Request-ID"] = "set-by-the-route"
        return {"logged": current_request_id()}

    return app


def test_a_route_setting_its_own_id_does_not_make_two() -> None:
    with TestClient(make_app()) as client:
        answered = client.get("/own-id", headers={"X-Request-ID": "caller-7"})
        generated = client.get("/own-id")
    assert answered.headers.get_list("x-request-id") == ["caller-7"]
    assert answered.json() == {"logged": "caller-7"}
    (new_id,) = generated.headers.get_list("x-request-id")
    assert len(new_id) == 32 and int(new_id, 16) >= 0
    assert generated.json() == {"logged": new_id}
