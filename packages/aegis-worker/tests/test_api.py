"""The HTTP API on a real uvicorn (create_app in a throwaway project), with a worker process."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx
from aegis_core.testing import run_server
from aegis_worker.testing import wait_until

if TYPE_CHECKING:
    from conftest import Project

MAIN = """
from aegis_core.app import create_app

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

        body = {"args": ["7"], "kwargs": {"detailed": "true"}}  # coerced by the task's hints
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
            f"the job's result\n{worker.log()}",
        )
        result = httpx.get(f"{api}/jobs/{job_id}/result").json()
        assert result["success"] is True
        assert result["task"] == "generate_report" and result["queue"] == "system"
        assert result["result"] == {"report_id": 7, "status": "complete", "detailed": True}
        assert httpx.get(f"{api}/jobs/{job_id}").json()["status"] == "complete"


def test_bad_requests_get_clear_4xx_answers(project: Project) -> None:
    with run_server(_project_app(project), cwd=project.root, env=project.env) as server:
        api = f"{server.url}/api/worker"

        def post(task: str, body: dict[str, Any]) -> httpx.Response:
            return httpx.post(f"{api}/tasks/{task}", json=body)

        unknown = post("nope", {})
        assert unknown.status_code == 404
        assert unknown.json()["detail"]["message"] == "unknown task 'nope'"
        assert {"generate_report", "ping", "io_task"} <= set(
            unknown.json()["detail"]["valid_tasks"]
        )

        wrong_type = post("generate_report", {"args": ["abc"]})
        assert wrong_type.status_code == 422
        assert wrong_type.json()["detail"][0]["loc"] == ["body", "report_id"]
        missing = post("generate_report", {"args": []})
        assert missing.status_code == 422
        assert "report_id" in missing.json()["detail"][0]["msg"]
        assert post("generate_report", {"args": [1], "kwargs": {"extra": 1}}).status_code == 422
        assert post("generate_report", {"args": "not a list"}).status_code == 422

        wrong_queue = post("ping", {"queue": "load_test"})
        assert wrong_queue.status_code == 404
        assert wrong_queue.json()["detail"]["valid_tasks"] == ["cpu_task", "io_task", "memory_task"]
        assert post("ping", {"queue": "zzz"}).json()["detail"]["valid_queues"] == [
            "system",
            "load_test",
        ]

        assert httpx.get(f"{api}/jobs/no-such-job").status_code == 404
        assert httpx.get(f"{api}/jobs/no-such-job/result").status_code == 404
