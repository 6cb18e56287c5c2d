"""Expected failures, each with a one-line message fit for a user.

Kept free of heavy imports: the project CLI loads `aegis_worker.cli` at every start (for
`<slug> --help` too), and it needs these classes but not arq, redis or FastAPI.
"""


class WorkerError(RuntimeError):
    """Base of the failures the CLI prints as one line (exit 1) instead of a traceback."""


class RedisUnavailable(WorkerError):
    """Redis cannot be reached (or the URL is malformed)."""


class QueueConfigError(WorkerError):
    """A queue module is broken; the message names the module and the problem."""


class UnknownQueue(WorkerError, ValueError):
    """A queue name that no built-in or stub defines."""


class UnknownTask(WorkerError, ValueError):
    """A task name the target queue does not run: the job would wait forever."""


class LoadTestError(WorkerError):
    """The load test could not run or finish."""
