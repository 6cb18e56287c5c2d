"""A Ctrl-C that lands inside a finalizer is swallowed by Python; aegis must still see it."""

from __future__ import annotations

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import gc, os, signal, sys
    from aegis_cli.interrupts import interrupts_noted, raise_if_interrupted

    class Wrapper:  # like a library's subprocess wrapper whose __del__ the signal interrupts
        def __del__(self):
            os.kill(os.getpid(), signal.SIGINT)
            for _ in range(10_000):  # the handler runs here, between bytecodes
                pass

    with interrupts_noted():
        Wrapper()
        gc.collect()
        print("survived the finalizer", flush=True)
        try:
            raise_if_interrupted()
        except KeyboardInterrupt:
            print("raised again", flush=True)
            sys.exit(7)
    """
)


def test_a_ctrl_c_swallowed_in_a_finalizer_is_raised_again() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60
    )
    assert result.stdout.splitlines() == ["survived the finalizer", "raised again"], result
    assert result.returncode == 7
    assert "Exception ignored" not in result.stderr, result.stderr


def test_without_the_guard_python_swallows_it() -> None:
    """The premise: outside `interrupts_noted`, the same Ctrl-C vanishes (with a report)."""
    bare = SCRIPT.replace("with interrupts_noted():", "if True:").replace(
        "raise_if_interrupted()", "pass"
    )
    result = subprocess.run(
        [sys.executable, "-c", bare], capture_output=True, text=True, timeout=60
    )
    assert "survived the finalizer" in result.stdout
    assert "raised again" not in result.stdout
    assert "KeyboardInterrupt" in result.stderr, result.stderr
