"""Helpers for tests that use real parts: Redis, PostgreSQL, a uvicorn server over HTTP.

Used by Aegis' own tests, by component packages' tests and by generated projects, whose
conftest says `pytest_plugins = ["aegis_core.testing.fixtures"]`.
Under `CI=true` a missing prerequisite fails with a message naming it; elsewhere it skips.
"""

from aegis_core.testing.packages import on_path, write_distribution
from aegis_core.testing.reports import UserView, dashboard_view, user_view
from aegis_core.testing.servers import (
    RunningServer,
    free_port,
    run_server,
    stop_process,
    wait_for_port,
)
from aegis_core.testing.services import (
    MissingPrerequisite,
    compose_binary,
    ensure_postgres,
    ensure_redis,
    require,
    start_private_redis,
    wait_until,
)

__all__ = [
    "MissingPrerequisite",
    "RunningServer",
    "UserView",
    "compose_binary",
    "dashboard_view",
    "ensure_postgres",
    "ensure_redis",
    "free_port",
    "on_path",
    "require",
    "run_server",
    "start_private_redis",
    "stop_process",
    "user_view",
    "wait_for_port",
    "wait_until",
    "write_distribution",
]
