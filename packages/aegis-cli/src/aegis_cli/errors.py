"""Expected failures: shown as one line and an exit code, never a traceback."""

from __future__ import annotations


class AegisError(Exception):
    """An error the user can act on. `exit_code` 2 means bad input; 1 means the step failed."""

    def __init__(self, message: str, *, exit_code: int = 1, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
        self.hint = hint


class UsageError(AegisError):
    """Bad input from the user (exit code 2, nothing changed)."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message, exit_code=2, hint=hint)
