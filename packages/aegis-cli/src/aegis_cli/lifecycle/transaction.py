"""All or nothing: every change a lifecycle command makes goes through one Transaction.

Before a file is first written or deleted its bytes (or its absence), mode and times are kept;
on any exception, KeyboardInterrupt included, every kept file is put back, the folders we
created are removed, and, when uv touched the virtual environment, the venv is synced back to
the restored lock. A second Ctrl-C during the rollback is ignored: a half rollback is worse.

`AEGIS_FAIL_AT=<step>` (or `<step>:interrupt`) makes the engine fail right after that step.
It is a test-only switch: the tests use it to prove the rollback after every single step.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from aegis_cli.errors import AegisError, Interrupted
from aegis_cli.interrupts import interrupts_noted, raise_if_interrupted
from aegis_cli.lifecycle.confine import confined

FAIL_ENV = "AEGIS_FAIL_AT"
OUTSIDE_HINT = "a symlink in the project points outside it; aegis writes only inside the project"
ENVIRONMENT_FILES = frozenset({"pyproject.toml"})


@dataclass(frozen=True)
class Snapshot:
    data: bytes | None
    """None: the file did not exist."""
    mode: int | None
    times: tuple[int, int] | None
    """(atime, mtime) in ns, set back on restore."""
    ctime: int | None
    """Cannot be set back; uv keys the project's own install on it (see `rollback`)."""


class Transaction:
    """Writes and deletes under `root`, each undoable; `checkpoint` marks step boundaries."""

    dry = False

    def __init__(self, root: Path) -> None:
        self.root = root
        self.snapshots: dict[str, Snapshot] = {}
        self.created_dirs: list[Path] = []
        self.venv_touched = False
        self.steps: list[str] = []

    def protect(self, *relatives: str) -> None:
        """Remember the current bytes of each path (once: the first snapshot is the original)."""
        for relative in relatives:
            if relative in self.snapshots:
                continue
            path = self.root / relative
            if path.is_file():
                stat = path.stat()
                times = (stat.st_atime_ns, stat.st_mtime_ns)
                data = path.read_bytes()
                self.snapshots[relative] = Snapshot(data, stat.st_mode, times, stat.st_ctime_ns)
            else:
                self.snapshots[relative] = Snapshot(None, None, None, None)

    def read(self, relative: str) -> str | None:
        path = self.root / relative
        return path.read_text() if path.is_file() else None

    def write(self, relative: str, data: bytes) -> None:
        """Write atomically (temp file + rename), keeping the mode of the file it replaces."""
        path = self._inside(relative)
        self.protect(relative)
        temporary = path.with_name(f".{path.name}.aegis-tmp")
        try:
            self._make_parents(path.parent)
            temporary.write_bytes(data)
            original = self.snapshots[relative].mode
            if original is not None:
                os.chmod(temporary, original)
            os.replace(temporary, path)
        except OSError as exc:
            raise AegisError(f"could not write {relative}: {exc.strerror or exc}") from None
        finally:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)

    def delete(self, relative: str) -> None:
        """Delete a file, then the folders it leaves empty (they come back on rollback)."""
        path = self._inside(relative)
        self.protect(relative)
        try:
            path.unlink(missing_ok=True)
            parent = path.parent
            while parent != self.root and parent.is_dir() and not any(parent.iterdir()):
                parent.rmdir()
                parent = parent.parent
        except OSError as exc:
            raise AegisError(f"could not delete {relative}: {exc.strerror or exc}") from None

    def _inside(self, relative: str) -> Path:
        """Every write and delete stays inside the project, symlinks resolved."""
        return confined(self.root, relative, source="this change", hint=OUTSIDE_HINT)

    def _make_parents(self, folder: Path) -> None:
        missing = []
        while not folder.exists():
            missing.append(folder)
            folder = folder.parent
        for created in reversed(missing):
            created.mkdir()
            self.created_dirs.append(created)

    def checkpoint(self, step: str) -> None:
        """A step is done. Under AEGIS_FAIL_AT (tests only) fail here on purpose."""
        self.steps.append(step)
        wanted = os.environ.get(FAIL_ENV, "")
        name, _, how = wanted.partition(":")
        if name != step:
            return
        if how == "interrupt":
            raise KeyboardInterrupt
        raise AegisError(f"failed on purpose after step {step!r} ({FAIL_ENV}, a test-only switch)")

    def rollback(self) -> list[str]:
        """Put every snapshot back; return what could not be restored (normally nothing).

        A file that still has its original bytes is not rewritten. When pyproject.toml was
        written at all (by us, or by uv undoing its own failed edit), the venv needs a sync even
        if no package moved: uv keys the project's own install on that file's ctime, which no
        one can set back. (uv.lock does not matter there: the venv follows it only via sync.)
        """
        problems = []
        for relative, snapshot in self.snapshots.items():
            path = self.root / relative
            if relative in ENVIRONMENT_FILES and _ctime(path) != snapshot.ctime:
                self.venv_touched = True
            try:
                if snapshot.data is None:
                    # Not there (or unreachable: a file sits where its folder would be) means
                    # it was never written, so there is nothing to undo.
                    if path.is_file() or path.is_symlink():
                        path.unlink()
                    continue
                path.parent.mkdir(parents=True, exist_ok=True)
                if not path.is_file() or path.read_bytes() != snapshot.data:
                    path.write_bytes(snapshot.data)
                if snapshot.mode is not None:
                    os.chmod(path, snapshot.mode)
                if snapshot.times is not None:
                    os.utime(path, ns=snapshot.times)
            except OSError as exc:
                problems.append(f"{relative}: {exc}")
        for folder in sorted(self.created_dirs, key=lambda p: len(p.parts), reverse=True):
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
        return problems


def _ctime(path: Path) -> int | None:
    try:
        return path.stat().st_ctime_ns
    except OSError:
        return None


class DryRun(Transaction):
    """Same calls, no effects: writes go to an in-memory overlay, so the plan a dry run prints
    comes from the very code that would run for real."""

    dry = True

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.overlay: dict[str, bytes | None] = {}

    def read(self, relative: str) -> str | None:
        if relative in self.overlay:
            data = self.overlay[relative]
            return None if data is None else data.decode()
        return super().read(relative)

    def write(self, relative: str, data: bytes) -> None:
        self.overlay[relative] = data

    def delete(self, relative: str) -> None:
        self.overlay[relative] = None

    def checkpoint(self, step: str) -> None:
        self.steps.append(step)


@contextmanager
def transaction(root: Path, *, dry_run: bool = False) -> Iterator[Transaction]:
    """Run the body as one transaction: on any exception restore the project, then re-raise
    with what the rollback did attached, so the cause is printed first and the outcome below.
    Ctrl-C becomes `Interrupted` here: typer would otherwise turn it into a silent exit 130."""
    if dry_run:
        yield DryRun(root)
        return
    tx = Transaction(root)
    try:
        with interrupts_noted():
            yield tx
            raise_if_interrupted()  # a Ctrl-C some library swallowed still undoes the change
    except BaseException as exc:
        with _interrupts_held():
            problems = tx.rollback()
            if tx.venv_touched:
                problems += _resync(root)
        if isinstance(exc, KeyboardInterrupt):
            raise Interrupted(rollback_summary(problems)) from None
        if isinstance(exc, AegisError):
            if not isinstance(exc, Interrupted):
                summary = rollback_summary(problems)
                exc.after = "Rolled back: nothing was changed." if not problems else summary
            raise
        if problems:  # a bug, not an expected failure: its traceback follows
            from aegis_cli.console import error

            error(rollback_summary(problems))
        raise


def rollback_summary(problems: list[str]) -> str:
    """What the rollback achieved, as the end of a sentence."""
    if not problems:
        return "nothing was changed"
    return "the rollback could not restore everything: " + "; ".join(problems)


def _resync(root: Path) -> list[str]:
    """Put the venv back on the restored lock (`--frozen`: the lock itself is not touched)."""
    from aegis_cli.console import console
    from aegis_cli.lifecycle.deps import uv_sync

    console.print("… putting the project back as it was (uv sync)")
    try:
        uv_sync(root, frozen=True, quiet_progress=True)
    except AegisError as exc:
        return [f"the virtual environment ({exc.message}); run `uv sync`"]
    return []


@contextmanager
def _interrupts_held() -> Iterator[None]:
    """Ignore Ctrl-C while rolling back: an interrupted rollback would be the worst outcome.

    SIG_IGN (not a Python handler) because it is inherited by the `uv sync` child too.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
