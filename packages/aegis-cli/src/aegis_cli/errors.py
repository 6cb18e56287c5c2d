"""Expected failures: shown as one line and an exit code, never a traceback."""

from __future__ import annotations

INTERRUPTED_EXIT = 130


class AegisError(Exception):
    """An error the user can act on. `exit_code` 2 means bad input; 1 means the step failed.

    `after` is a line printed below the cause: what the rollback did about it. The cause comes
    first because it is what the user has to act on.
    """

    def __init__(
        self,
        message: str,
        *,
        exit_code: int = 1,
        hint: str | None = None,
        after: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
        self.hint = hint
        self.after = after


class UsageError(AegisError):
    """Bad input from the user (exit code 2, nothing changed)."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message, exit_code=2, hint=hint)


class Interrupted(AegisError):
    """Ctrl-C, turned into a sentence saying what state the project was left in (exit 130)."""

    def __init__(self, state: str = "nothing was changed") -> None:
        super().__init__(f"interrupted; {state}", exit_code=INTERRUPTED_EXIT)
