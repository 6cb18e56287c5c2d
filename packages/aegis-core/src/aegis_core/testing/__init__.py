"""Helpers for tests that use real parts: Redis, PostgreSQL, a uvicorn server over HTTP.

Used by Aegis' own tests and by generated projects, whose conftest says
`pytest_plugins = ["aegis_core.testing.fixtures"]`.
Under `CI=true` a missing prerequisite fails with a message naming it; elsewhere it skips.
"""

from aegis_core.testing.servers import RunningServer, free_port, run_server
from aegis_core.testing.services import MissingPrerequisite, ensure_postgres, ensure_redis, require

__all__ = [
    "MissingPrerequisite",
    "RunningServer",
    "ensure_postgres",
    "ensure_redis",
    "free_port",
    "require",
    "run_server",
]
