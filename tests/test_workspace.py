"""The workspace as published: eight wheels whose metadata stands on its own (workspace links
vanish from built wheels, so every dependency on another member needs a bounded range)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from devtools.wheel_checks import unbounded_aegis_requirements, wheel_metadata
from tests.support import REPO, run

MEMBERS = {
    "aegis-core",
    "aegis-database",
    "aegis-worker",
    "aegis-scheduler",
    "aegis-auth",
    "aegis-ai",
    "aegis-ingress",
    "aegis-cli",
}


def test_eight_wheels_with_bounded_ranges_between_members(aegis_index: str) -> None:
    metadata = [wheel_metadata(w) for w in sorted(Path(aegis_index).glob("*.whl"))]
    assert {m.name for m in metadata} == MEMBERS
    for meta in metadata:
        assert unbounded_aegis_requirements(meta.requires) == [], meta.name


def test_cli_wheel_bundles_the_templates(aegis_index: str) -> None:
    wheel = next(Path(aegis_index).glob("aegis_cli-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "aegis_cli/templates/project/copier.yml" in names


def test_each_component_wheel_carries_its_own_stub_template(aegis_index: str) -> None:
    """Stubs travel with the package version they were written for."""
    for name in ("worker", "scheduler", "database"):
        wheel = next(Path(aegis_index).glob(f"aegis_{name}-*.whl"))
        names = zipfile.ZipFile(wheel).namelist()
        assert f"aegis_{name}/stubs/copier.yml" in names, wheel.name
        assert any(n.startswith(f"aegis_{name}/stubs/files/") for n in names), wheel.name


def test_built_wheels_work_outside_the_workspace(aegis_index: str, tmp_path: Path) -> None:
    """Install every runtime wheel into a project outside the workspace, from the flat index
    alone, and check each component is discovered and compatible."""
    packages = sorted(MEMBERS - {"aegis-cli"})
    pins = "\n".join(f'{p} = {{ index = "aegis" }}' for p in packages)
    (tmp_path / "pyproject.toml").write_text(
        f'[project]\nname = "smoke"\nversion = "0"\nrequires-python = ">=3.11"\n'
        f"dependencies = {packages!r}\n\n"
        f'[[tool.uv.index]]\nname = "aegis"\nurl = "{aegis_index}"\nformat = "flat"\n\n'
        f"[tool.uv.sources]\n{pins}\n"
    )
    install = run(["uv", "sync", "-q"], cwd=tmp_path)
    assert install.returncode == 0, install.output
    lock = (tmp_path / "uv.lock").read_text()
    for package in packages:
        assert (
            f'name = "{package}"\nversion = "0.1.0"\nsource = {{ registry = "{aegis_index}" }}'
            in lock
        )
    script = (
        "from aegis_core import discover_components;"
        "found = discover_components();"
        "print(sorted(found.names)); print([p.message for p in found.problems])"
    )
    result = run([str(tmp_path / ".venv/bin/python"), "-c", script], cwd=tmp_path)
    assert result.returncode == 0, result.output
    names, problems = result.stdout.strip().splitlines()
    assert names == str(sorted(m.removeprefix("aegis-") for m in packages if m != "aegis-core"))
    assert problems == "[]"


def test_plain_build_of_all_packages_gives_eight_wheels_and_sdists(tmp_path: Path) -> None:
    """`uv build --all-packages` builds each wheel from its sdist, so everything a wheel
    needs (aegis-cli's templates included) must be inside the sdist too."""
    built = run(["uv", "build", "--all-packages", "-q", "-o", str(tmp_path)], cwd=REPO)
    assert built.returncode == 0, built.output
    assert len(list(tmp_path.glob("*.whl"))) == 8
    assert len(list(tmp_path.glob("*.tar.gz"))) == 8
    wheel = next(tmp_path.glob("aegis_cli-*.whl"))
    assert "aegis_cli/templates/project/copier.yml" in zipfile.ZipFile(wheel).namelist()
