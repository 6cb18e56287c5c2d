"""Ctrl-C that is never lost.

Python raises KeyboardInterrupt wherever the main thread happens to be. When that is inside a
finalizer (`__del__`, e.g. of a library's subprocess wrapper), the interpreter prints
"Exception ignored" and carries on, so a command would finish as if nobody had pressed Ctrl-C.
`interrupts_noted` remembers every SIGINT, and `raise_if_interrupted` raises it again at the
next safe point, so an interrupted step is always undone; the interpreter's "Exception ignored"
report of it is kept off the user's screen.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class _Noted:
    hit = False
    depth = 0


_noted = _Noted()


@contextmanager
def interrupts_noted() -> Iterator[None]:
    """Within the body, a SIGINT raises KeyboardInterrupt as usual and is also remembered."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def _note(signum: int, frame: FrameType | None) -> None:
        _noted.hit = True
        raise KeyboardInterrupt

    if _noted.depth == 0:
        _noted.hit = False  # a new command starts afresh
    _noted.depth += 1

    def _quiet(unraisable: sys.UnraisableHookArgs) -> None:
        if not isinstance(unraisable.exc_value, KeyboardInterrupt):
            previous_hook(unraisable)

    previous = signal.signal(signal.SIGINT, _note)
    previous_hook, sys.unraisablehook = sys.unraisablehook, _quiet
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        sys.unraisablehook = previous_hook
        _noted.depth -= 1


def raise_if_interrupted() -> None:
    """Raise KeyboardInterrupt when a Ctrl-C arrived that something swallowed."""
    if _noted.hit:
        raise KeyboardInterrupt
