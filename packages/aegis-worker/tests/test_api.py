"""The HTTP API on a real uvicorn (create_app in a throwaway project), with a worker process."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx
import pytest
from aegis_core.testing import run_server, wait_until

if TYPE_CHECKING:
    from conftest import Project

MAIN = """
from aegis_core import create_app

app = create_app(project_package=__name__.split(".")[0])
"""

REPORT_SERVICE = """
def build_report(report_id: int) -> dict:
    return {"report_id": report_id, "status": "complete"}
"""

SYSTEM_STUB = """
from {package}.services.reports import build_report


async def generate_report(ctx, report_id: int, detailed: bool = False) -> dict:
    return build_report(report_id) | {{"detailed": detailed}}


functions = [generate_report]
"""


def _project_app(project: Project) -> str:
    project.write("services/reports.py", REPORT_SERVICE)
    project.write("components/worker/queues/system.py", SYSTEM_STUB.format(package=project.package))
    project.write("main.py", MAIN)
    return f"{project.package}.main:app"


def test_enqueue_through_the_api_run_in_a_worker_read_the_result(project: Project) -> None:
    with run_server(_project_app(project), cwd=project.root, env=project.env) as server:
        api = f"{server.url}/api/worker"
        tasks = httpx.get(f"{api}/tasks").json()["queues"]
        assert tasks["system"] == ["generate_report", "ping", "queue_depths"]

        body = {"report_id": 7, "detailed": True}  # the task's own arguments, by name
        enqueued = httpx.post(f"{api}/tasks/generate_report", json=body)
        assert enqueued.status_code == 202, enqueued.text
        job_id = enqueued.json()["job_id"]
        assert enqueued.json()["queue"] == "system"

        # No worker yet: the job waits, and its result says so.
        assert httpx.get(f"{api}/jobs/{job_id}").json()["status"] == "queued"
        assert httpx.get(f"{api}/jobs/{job_id}/result").status_code == 202

        worker = project.start_worker("system")
        wait_until(
            lambda: httpx.get(f"{api}/jobs/{job_id}/result").status_code == 200,
            30,
            what="the job's result",
            details=worker.log,
        )
        result = httpx.get(f"{api}/jobs/{job_id}/result").json()
        assert result["success"] is True
        assert result["task"] == "generate_report" and result["queue"] == "system"
        assert result["result"] == {"report_id": 7, "status": "complete", "detailed": True}
        assert httpx.get(f"{api}/jobs/{job_id}").json()["status"] == "complete"


def test_bad_requests_get_clear_4xx_answers(project: Project) -> None:
    with run_server(_project_app(project), cwd=project.root, env=project.env) as server:
        api = f"{server.url}/api/worker"

        def post(task: str, body: Any, **params: str) -> httpx.Response:
            return httpx.post(f"{api}/tasks/{task}", json=body, params=params)

        unknown = post("nope", {})
        assert unknown.status_code == 404
        assert unknown.json()["detail"].startswith("unknown task 'nope'; tasks: cpu_task,")
        assert "generate_report" in unknown.json()["detail"]

        wrong_type = post("generate_report", {"report_id": "abc"})
        assert wrong_type.status_code == 422
        assert wrong_type.json()["detail"][0]["loc"] == ["body", "report_id"]
        # JSON types, not Python's coercions: "7" is not an integer, "true" is not a boolean.
        assert post("generate_report", {"report_id": "7"}).status_code == 422
        assert post("generate_report", {"report_id": 7, "detailed": "true"}).status_code == 422
        missing = post("generate_report", {})
        assert missing.status_code == 422
        assert missing.json()["detail"][0] == {
            "loc": ["body", "report_id"],
            "msg": "Field required",
            "type": "missing",
        }
        assert post("generate_report", {"report_id": 1, "extra": 1}).status_code == 422
        assert post("generate_report", [1]).status_code == 422

        wrong_queue = post("ping", None, queue="load_test")  # ping runs on system only
        assert wrong_queue.status_code == 422
        assert wrong_queue.json()["detail"][0]["loc"] == ["query", "queue"]
        assert post("ping", None, queue="system").status_code == 202

        undecodable = httpx.post(
            f"{api}/tasks/ping", content=b"\xff\xfe", headers={"content-type": "application/json"}
        )
        assert undecodable.status_code in (400, 422), undecodable.text
        assert httpx.get(f"{api}/jobs/no-such-job").status_code == 404
        assert httpx.get(f"{api}/jobs/no-such-job/result").status_code == 404
        assert httpx.get(f"{api}/jobs/{'x' * 129}").status_code == 422


@pytest.mark.parametrize(
    ("task", "body", "limit"),
    [
        ("cpu_task", {"iterations": 10**15}, "less than or equal to 1000000"),
        ("cpu_task", {"iterations": 0}, "greater than or equal to 1"),
        ("memory_task", {"size_kb": 10**12}, "less than or equal to 32768"),
        ("memory_task", {"size_kb": -1}, "greater than or equal to 1"),
        ("io_task", {"delay_ms": -5}, "greater than or equal to 0"),
        ("io_task", {"delay_ms": 10**9}, "less than or equal to 10000"),
    ],
)
def test_built_in_tasks_refuse_arguments_out_of_bounds_naming_the_limit(
    api_server: str, task: str, body: dict[str, int], limit: str
) -> None:
    refused = httpx.post(f"{api_server}/api/worker/tasks/{task}", json=body)
    assert refused.status_code == 422, refused.text
    assert limit in refused.json()["detail"][0]["msg"]


def test_error_bodies_never_echo_large_input(api_server: str) -> None:
    huge = "x" * 100_000
    refused = httpx.post(f"{api_server}/api/worker/tasks/cpu_task", json={huge: huge})
    assert refused.status_code == 422
    assert len(refused.content) < 1_000, refused.text[:300]
    unknown = httpx.post(f"{api_server}/api/worker/tasks/{huge[:5000]}", json={})
    assert unknown.status_code == 404 and len(unknown.content) < 1_000


def test_openapi_gives_each_task_its_own_argument_schema_and_every_answer(
    api_server: str,
) -> None:
    document = httpx.get(f"{api_server}/openapi.json").json()
    schemas = document["components"]["schemas"]
    cpu = schemas["Enqueue_cpu_task"]
    assert cpu["properties"]["iterations"]["maximum"] == 1_000_000
    assert cpu["additionalProperties"] is False
    assert schemas["Enqueue_io_task"]["properties"]["delay_ms"]["minimum"] == 0
    enqueue = document["paths"]["/api/worker/tasks/cpu_task"]["post"]
    assert set(enqueue["responses"]) == {"202", "400", "422", "503"}
    links = enqueue["responses"]["202"]["links"]
    assert links["GetJobResult"]["operationId"] == "worker_job_result"
    result = document["paths"]["/api/worker/jobs/{job_id}/result"]["get"]
    assert {"200", "202", "404", "422", "503"} <= set(result["responses"])
    assert "/api/worker/tasks/{task}" not in document["paths"]


@pytest.fixture
def api_server(project: Project) -> Any:
    with run_server(_project_app(project), cwd=project.root, env=project.env) as server:
        yield server.url


def test_redis_outage_is_a_documented_503_with_one_line(project: Project) -> None:
    env = {**project.env, "REDIS_URL": "redis://127.0.0.1:1/0"}
    with run_server(_project_app(project), cwd=project.root, env=env) as server:
        api = f"{server.url}/api/worker"
        for answer in (
            httpx.post(f"{api}/tasks/generate_report", json={"report_id": 1}),
            httpx.get(f"{api}/jobs/some-id"),
            httpx.get(f"{api}/jobs/some-id/result"),
        ):
            assert answer.status_code == 503, answer.text
            detail = answer.json()["detail"]
            assert detail.startswith("cannot reach Redis at redis://127.0.0.1:1/0 (")
            assert "\n" not in detail
