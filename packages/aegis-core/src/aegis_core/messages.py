"""Exceptions as the one line a person reads (health messages, CLI errors)."""

from __future__ import annotations

__all__ = ["one_line"]


def one_line(exc: BaseException) -> str:
    """The first meaningful line of an error. Database drivers wrap theirs (`exc.orig`) and put
    SQL, hints and URLs on further lines; keep the first, or the type name when it is empty."""
    original = getattr(exc, "orig", None) or exc
    lines = [line.strip() for line in str(original).splitlines() if line.strip()]
    return lines[0] if lines else type(original).__name__
