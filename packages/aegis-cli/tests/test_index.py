from pathlib import Path

import pytest
from aegis_cli.errors import AegisError
from aegis_cli.index import resolve_index, source_hash
from aegis_cli.paths import workspace_root


def test_url_setting_is_a_simple_index(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AEGIS_INDEX", "https://packages.example.com/simple/")
    index = resolve_index()
    assert (index.url, index.format) == ("https://packages.example.com/simple/", "simple")


def test_folder_without_aegis_core_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("AEGIS_INDEX", str(tmp_path))
    with pytest.raises(AegisError, match="not a folder holding aegis-core wheels"):
        resolve_index()


def test_folder_with_wheels_is_a_flat_index(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "aegis_core-0.1.0-py3-none-any.whl").write_bytes(b"")
    monkeypatch.setenv("AEGIS_INDEX", f"file://{tmp_path}")
    index = resolve_index()
    assert (index.url, index.format) == (str(tmp_path), "flat")


def test_source_hash_changes_with_sources(tmp_path: Path) -> None:
    root = workspace_root()
    assert root is not None
    fake = tmp_path / "repo"
    (fake / "packages/aegis-core/src/aegis_core").mkdir(parents=True)
    (fake / "packages/aegis-core/pyproject.toml").write_text("[project]\n")
    module = fake / "packages/aegis-core/src/aegis_core/x.py"
    module.write_text("a = 1\n")
    before = source_hash(fake)
    module.write_text("a = 2\n")
    assert source_hash(fake) != before
