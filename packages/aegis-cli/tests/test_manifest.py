"""The manifest: readable, strict about its shape, absent when empty."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from aegis_cli.errors import AegisError
from aegis_cli.lifecycle.manifest import MANIFEST, Manifest, Record, file_state, load, sha256


def _write(root: Path, data: bytes) -> None:
    (root / MANIFEST).parent.mkdir(parents=True, exist_ok=True)
    (root / MANIFEST).write_bytes(data)


def test_round_trip_keeps_every_field(tmp_path: Path) -> None:
    record = Record(
        kind="component",
        package="aegis-scheduler",
        options=["sqlite"],
        stubs_from="aegis-cli 0.1.0",
        files={"b.py": sha256("b"), "a.py": sha256("a")},
        compose=["compose/scheduler.yml"],
        env_blocks={".env.example": sha256("block")},
    )
    data = Manifest({"scheduler": record}).dumps()
    assert data is not None
    _write(tmp_path, data)
    assert load(tmp_path).components == {"scheduler": record}
    text = data.decode()
    assert text.index('"a.py"') < text.index('"b.py"'), "sorted, so diffs stay small"
    assert json.loads(text)["format"] == 1


def test_a_manifest_from_before_stack_env_keeps_its_env_example_block(tmp_path: Path) -> None:
    digest = sha256("block")
    record = {"kind": "component", "package": "aegis-worker", "files": {}, "env_block": digest}
    _write(tmp_path, json.dumps({"format": 1, "components": {"worker": record}}).encode())
    assert load(tmp_path).components["worker"].env_blocks == {".env.example": digest}


def test_an_empty_manifest_is_no_file(tmp_path: Path) -> None:
    assert Manifest().dumps() is None
    assert load(tmp_path).components == {}


@pytest.mark.parametrize(
    "damage",
    [
        b"{not json",
        b"[]",
        b'{"format": 99, "components": {}}',
        b'{"format": 1, "components": {"x": {"kind": "component"}}}',
        b'{"format": 1, "components": {"x": {"kind": "c", "package": "p", "files": {"a": "zz"}}}}',
        # a block "recorded" in a file no component writes: remove must never edit it
        b'{"format": 1, "components": {"worker": {"kind": "component", "package": "p", "files": {},'
        + b' "env_blocks": {"../elsewhere.env": "'
        + b"0" * 64
        + b'"}}}}',
    ],
)
def test_a_damaged_manifest_is_a_clear_error(tmp_path: Path, damage: bytes) -> None:
    _write(tmp_path, damage)
    with pytest.raises(AegisError, match=r"manifest\.json is damaged") as caught:
        load(tmp_path)
    assert caught.value.hint and "git checkout" in caught.value.hint


def test_file_state_compares_bytes(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = 1\n")
    digest = sha256("x = 1\n")
    assert file_state(tmp_path, "a.py", digest) == "unchanged"
    (tmp_path / "a.py").write_text("x = 2\n")
    assert file_state(tmp_path, "a.py", digest) == "edited"
    assert file_state(tmp_path, "gone.py", digest) == "missing"


@pytest.mark.parametrize("listed", ["../x.txt", "/etc/hostname", "a/../../x.txt", "linked/x.txt"])
def test_a_path_leading_outside_the_project_is_refused(tmp_path: Path, listed: str) -> None:
    root = tmp_path / "project"
    root.mkdir()
    (tmp_path / "outside").mkdir()
    (root / "linked").symlink_to(tmp_path / "outside", target_is_directory=True)
    record = Record(kind="component", package="aegis-x", files={listed: sha256("x")})
    data = Manifest({"x": record}).dumps()
    assert data is not None
    _write(root, data)
    with pytest.raises(AegisError, match="which leads outside the project"):
        load(root)
