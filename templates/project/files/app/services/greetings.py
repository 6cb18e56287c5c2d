"""An example service: plain functions, testable without a server."""

from app.core.constants import DEFAULT_GREETING_NAME


def greet(name: str) -> str:
    """Greet `name`, falling back to the default when it is blank."""
    return f"Hello, {name.strip() or DEFAULT_GREETING_NAME}!"
