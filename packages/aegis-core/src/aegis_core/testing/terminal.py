"""A command on a real pseudo-terminal, for tests of what people type into a CLI.

The child gets the PTY as its controlling terminal, so Ctrl-C (`send("\\x03")`) is a real
SIGINT from the terminal driver and programs see `isatty()` true, as they do for a person.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import re
import select
import signal
import struct
import termios
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\r")
"""Escape sequences and carriage returns, removed before matching what the screen shows."""


class Terminal:
    """`command` (argv) running in `cwd` with `env` on a terminal of 50 rows and 200 columns."""

    def __init__(self, command: Sequence[str], *, cwd: Path, env: Mapping[str, str]) -> None:
        pid, fd = pty.fork()
        if pid == 0:  # the child: becomes the command
            os.chdir(cwd)
            terminal = {"TERM": "xterm-256color", "COLUMNS": "200"}
            os.execve(command[0], list(command), {**env, **terminal})
        self.pid, self.fd, self.seen = pid, fd, ""
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 200, 0, 0))

    def expect(self, text: str, timeout: float = 60) -> None:
        """Wait until `text` has appeared since the last expect (escape codes removed)."""
        deadline = time.monotonic() + timeout
        while text not in ANSI.sub("", self.seen):
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} never appeared; screen:\n{ANSI.sub('', self.seen)}")
            ready, _, _ = select.select([self.fd], [], [], 0.2)
            if ready:
                try:
                    self.seen += os.read(self.fd, 65536).decode(errors="replace")
                except OSError:  # the child closed the terminal
                    time.sleep(0.1)
        clean = ANSI.sub("", self.seen)
        self.seen = clean[clean.index(text) + len(text) :]

    def send(self, keys: str) -> None:
        os.write(self.fd, keys.encode())

    def wait(self, timeout: float = 30) -> int:
        """The exit code once the command has ended; killed (and an error) after `timeout`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                os.read(self.fd, 65536)
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return os.waitstatus_to_exitcode(status)
            time.sleep(0.1)
        os.kill(self.pid, signal.SIGKILL)
        raise AssertionError(f"the command on the terminal did not exit within {timeout:g}s")
