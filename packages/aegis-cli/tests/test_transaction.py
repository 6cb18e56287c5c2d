"""The transaction restores exact bytes, modes and folders, whatever interrupts it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from aegis_cli.errors import AegisError, Interrupted
from aegis_cli.lifecycle.transaction import FAIL_ENV, transaction

from tests.support import tree_digest


def _tree(root: Path) -> Path:
    (root / "keep.txt").write_text("original\n")
    (root / "tool.sh").write_text("#!/bin/sh\n")
    os.chmod(root / "tool.sh", 0o755)
    (root / "pkg").mkdir()
    (root / "pkg" / "owned.py").write_text("x = 1\n")
    return root


@pytest.mark.parametrize(
    ("failure", "raised"),
    [
        (AegisError("boom"), AegisError),
        (KeyboardInterrupt(), Interrupted),  # a sentence and exit 130, not typer's silence
        (OSError("disk"), OSError),
    ],
)
def test_any_failure_puts_everything_back(
    tmp_path: Path, failure: BaseException, raised: type[BaseException]
) -> None:
    root = _tree(tmp_path)
    before = tree_digest(root)
    with pytest.raises(raised) as caught, transaction(root) as tx:
        tx.write("keep.txt", b"changed\n")
        tx.write("tool.sh", b"#!/bin/sh\necho\n")
        tx.write("new/deep/file.py", b"y = 2\n")
        tx.delete("pkg/owned.py")
        assert not (root / "pkg").exists(), "an emptied folder goes with its last file"
        raise failure
    assert tree_digest(root) == before
    assert not (root / "new").exists()
    assert (root / "pkg").is_dir()
    assert os.stat(root / "tool.sh").st_mode & 0o777 == 0o755
    if isinstance(caught.value, Interrupted):
        assert caught.value.message == "interrupted; nothing was changed"
    elif isinstance(caught.value, AegisError):
        assert caught.value.after == "Rolled back: nothing was changed."


def test_writes_through_a_symlink_leading_outside_are_refused(tmp_path: Path) -> None:
    (tmp_path / "project").mkdir()
    root = _tree(tmp_path / "project")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (root / "linked").symlink_to(outside)
    before = tree_digest(root)
    with pytest.raises(AegisError) as caught, transaction(root) as tx:
        tx.write("keep.txt", b"changed\n")
        tx.write("linked/notes.txt", b"escaped\n")
    assert "'linked/notes.txt', which leads outside the project" in caught.value.message
    assert list(outside.iterdir()) == []
    assert tree_digest(root) == before


def test_success_keeps_the_changes_and_the_file_mode(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    with transaction(root) as tx:
        tx.write("tool.sh", b"#!/bin/sh\necho\n")
    assert (root / "tool.sh").read_bytes() == b"#!/bin/sh\necho\n"
    assert os.stat(root / "tool.sh").st_mode & 0o777 == 0o755
    assert not list(root.glob(".*.aegis-tmp"))


def test_the_test_switch_fails_after_the_named_step(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _tree(tmp_path)
    before = tree_digest(root)
    monkeypatch.setenv(FAIL_ENV, "second")
    with pytest.raises(AegisError, match="'second'"), transaction(root) as tx:
        tx.write("keep.txt", b"1")
        tx.checkpoint("first")
        tx.write("keep.txt", b"2")
        tx.checkpoint("second")
    assert tree_digest(root) == before
    monkeypatch.setenv(FAIL_ENV, "first:interrupt")
    with pytest.raises(Interrupted), transaction(root) as tx:
        tx.write("keep.txt", b"1")
        tx.checkpoint("first")
    assert tree_digest(root) == before


def test_a_dry_run_reads_its_own_writes_and_touches_nothing(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    before = tree_digest(root)
    with transaction(root, dry_run=True) as tx:
        tx.write("keep.txt", b"planned\n")
        tx.delete("pkg/owned.py")
        assert tx.read("keep.txt") == "planned\n"
        assert tx.read("pkg/owned.py") is None
    assert tree_digest(root) == before
