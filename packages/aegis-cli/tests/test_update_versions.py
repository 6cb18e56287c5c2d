"""Template versions `aegis update` can reach: the bundled one plus the shipped history."""

from pathlib import Path

from aegis_cli.lifecycle.update import available_versions, versions_in
from aegis_cli.paths import template_version
from packaging.version import Version


def test_versions_in_reads_one_folder_per_version(tmp_path: Path) -> None:
    for version in ("0.1.0", "0.2.0"):
        (tmp_path / version).mkdir()
        (tmp_path / version / "copier.yml").write_text("_subdirectory: files\n")
    (tmp_path / "notes").mkdir()  # not a template: ignored
    assert sorted(versions_in(tmp_path)) == [Version("0.1.0"), Version("0.2.0")]
    assert versions_in(tmp_path / "missing") == {}


def test_bundled_version_is_always_available() -> None:
    assert Version(template_version("project")) in available_versions()
