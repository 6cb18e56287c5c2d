"""`aegis new-component`, end to end: the skeleton a third party starts from is a real package.

Scaffolded once per module into a temp folder with the workspace's wheels as the Aegis index,
then, with real uv and real servers: it syncs, its own tests pass (uvicorn over HTTP), it lints
clean with the repository's ruff settings, it builds a wheel carrying its stub template, that
wheel is released into a static index and installs outside the workspace, where aegis-core
discovers it; its stubs render with copier and pass their test inside a generated project.
"""

from __future__ import annotations

import json
import shutil
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet

from devtools import simple_index
from devtools.wheel_checks import SMOKE_SCRIPT, smoke_install
from tests.index_support import serve_folder
from tests.support import REPO, Result, aegis, run, tree_digest, venv_bin

NAME = "audit"
PACKAGE = "aegis-audit"
MODULE = "aegis_audit"
DESCRIPTION = 'Who did what, and when: "audit" trails \\ {{ not a template }}'
"""Quotes, a backslash and braces: the summary must survive TOML, copier and the metadata."""
EXPECTED_FILES = {
    ".gitignore",
    "CHANGELOG.md",
    "README.md",
    "pyproject.toml",
    "src/aegis_audit/__init__.py",
    "src/aegis_audit/__main__.py",
    "src/aegis_audit/api.py",
    "src/aegis_audit/cli.py",
    "src/aegis_audit/component.py",
    "src/aegis_audit/health.py",
    "src/aegis_audit/py.typed",
    "src/aegis_audit/settings.py",
    "src/aegis_audit/status.py",
    "src/aegis_audit/stubs/copier.yml",
    "src/aegis_audit/stubs/env.example",
    "src/aegis_audit/stubs/files/app/components/audit.py.jinja",
    "src/aegis_audit/stubs/files/tests/components/test_audit.py",
    "tests/test_component.py",
}


def uv(*args: str, cwd: Path, timeout: float = 600) -> Result:
    result = run(["uv", *args], cwd=cwd, timeout=timeout)
    assert result.returncode == 0, f"uv {' '.join(args)} failed:\n{result.output}"
    return result


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory, aegis_index: str) -> Path:
    """`aegis new-component audit`, the way a third party starts: outside the workspace."""
    root = tmp_path_factory.mktemp("third-party")
    description = ["--description", DESCRIPTION]
    result = aegis("new-component", NAME, *description, cwd=root, env={"AEGIS_INDEX": aegis_index})
    assert result.returncode == 0, result.output
    assert f"Created {PACKAGE}" in result.stdout
    return root / PACKAGE


@pytest.fixture(scope="module")
def synced(package: Path) -> Path:
    uv("sync", "--quiet", cwd=package)
    return package


@pytest.fixture(scope="module")
def wheel(synced: Path) -> Path:
    uv("build", "--quiet", "--wheel", "-o", "dist", cwd=synced)
    (built,) = (synced / "dist").glob("aegis_audit-0.1.0-*.whl")
    return built


def test_the_package_has_the_shape_of_a_first_party_one(package: Path, aegis_index: str) -> None:
    files = {str(p.relative_to(package)) for p in package.rglob("*") if p.is_file()}
    assert files == EXPECTED_FILES
    meta = tomllib.loads((package / "pyproject.toml").read_text())
    project = meta["project"]
    assert (project["name"], project["version"]) == (PACKAGE, "0.1.0")
    assert project["description"] == DESCRIPTION
    assert project["dependencies"] == ["aegis-core>=0.1,<0.2"]
    assert project["entry-points"]["aegis.components"] == {NAME: f"{MODULE}.component:component"}
    dev = " ".join(meta["dependency-groups"]["dev"])
    assert all(tool in dev for tool in ("pytest>=", "pytest-asyncio", "httpx"))
    assert meta["build-system"]["build-backend"] == "hatchling.build"
    assert meta["tool"]["uv"]["index"] == [{"name": "aegis", "url": aegis_index, "format": "flat"}]
    assert meta["tool"]["uv"]["sources"] == {"aegis-core": {"index": "aegis"}}
    assert "## Unreleased" in (package / "CHANGELOG.md").read_text()
    readme = (package / "README.md").read_text()
    assert all(step in readme for step in ("uv run pytest", "uv build", "uv publish"))
    env = (package / "src/aegis_audit/stubs/env.example").read_text()
    assert "AUDIT_ENABLED=" in env


def test_it_lints_clean_with_the_repository_settings(package: Path) -> None:
    repo_ruff = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["ruff"]
    ruff = tomllib.loads((package / "pyproject.toml").read_text())["tool"]["ruff"]
    for key in ("select", "ignore"):
        assert ruff["lint"][key] == repo_ruff["lint"][key]
    private = {m for m in repo_ruff["lint"]["flake8-tidy-imports"]["banned-api"] if "core" in m}
    assert set(ruff["lint"]["flake8-tidy-imports"]["banned-api"]) == private
    assert (ruff["line-length"], ruff["target-version"]) == (100, "py311")
    for command in (["check", "."], ["format", "--check", "."]):
        result = run([sys.executable, "-m", "ruff", *command, "--no-cache"], cwd=package)
        assert result.returncode == 0, result.output


def test_the_longest_hyphenated_name_still_lints_clean(tmp_path: Path, aegis_index: str) -> None:
    """Names land in docstrings, classes (`ABcd…Settings`) and settings (`A_BCD…_ENABLED`):
    at the 30-character limit every generated line still fits the repository's 100 columns."""
    name = "a-long-component-name-for-lint"
    assert len(name) == 30
    result = aegis("new-component", name, cwd=tmp_path, env={"AEGIS_INDEX": aegis_index})
    assert result.returncode == 0, result.output
    package = tmp_path / f"aegis-{name}"
    assert (package / "src/aegis_a_long_component_name_for_lint/component.py").is_file()
    for command in (["check", "."], ["format", "--check", "."]):
        done = run([sys.executable, "-m", "ruff", *command, "--no-cache"], cwd=package)
        assert done.returncode == 0, done.output


def test_its_own_tests_pass(synced: Path) -> None:
    result = run(["uv", "run", "--no-sync", "pytest", "-q", "-p", "no:cacheprovider"], cwd=synced)
    assert result.returncode == 0, result.output
    assert "5 passed" in result.stdout, result.output


def test_the_wheel_carries_the_stub_template(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {
        f"{MODULE}/stubs/copier.yml",
        f"{MODULE}/stubs/env.example",
        f"{MODULE}/stubs/files/app/components/audit.py.jinja",
        f"{MODULE}/stubs/files/tests/components/test_audit.py",
    } <= names
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "[aegis.components]\naudit = aegis_audit.component:component" in (
        zipfile.ZipFile(wheel).read(entry_points).decode()
    )


def test_released_to_a_static_index_it_installs_and_loads_outside_the_workspace(
    wheel: Path, index_dir: Path, tmp_path: Path
) -> None:
    index = shutil.copytree(index_dir, tmp_path / "index")
    (published,) = simple_index.publish(index, [wheel])
    with serve_folder(index) as url:
        loaded = smoke_install(published, f"{url}/simple/")
        by_name = _install_by_name(tmp_path / "consumer", f"{url}/simple/")
    for report in (loaded, by_name):
        components = report["loaded"]
        assert isinstance(components, dict), report
        assert components[NAME]["version"] == "0.1.0"
        assert SpecifierSet(components[NAME]["supports_core"]) == SpecifierSet(">=0.1,<0.2")
        assert report["problems"] == []


def _install_by_name(project: Path, index_url: str) -> dict[str, object]:
    """A fresh project that asks for aegis-audit by name, everything aegis-* from the index."""
    project.mkdir()
    (project / "pyproject.toml").write_text(
        '[project]\nname = "consumer"\nversion = "0"\nrequires-python = ">=3.11"\n'
        f'dependencies = ["{PACKAGE}"]\n\n'
        f'[[tool.uv.index]]\nname = "aegis"\nurl = "{index_url}"\n\n'
        f'[tool.uv.sources]\n{PACKAGE} = {{ index = "aegis" }}\n'
    )
    uv("sync", "--quiet", cwd=project)
    output = run([venv_bin(project, "python"), "-c", SMOKE_SCRIPT], cwd=project)
    assert output.returncode == 0, output.output
    return dict(json.loads(output.stdout.strip().splitlines()[-1]))


def render_shipped_stubs(wheel: Path, scratch: Path, destination: Path) -> None:
    """Render the stub template exactly as the wheel ships it, for project `mvp-api`."""
    from copier import run_copy

    with zipfile.ZipFile(wheel) as archive:
        members = [n for n in archive.namelist() if n.startswith(f"{MODULE}/stubs/")]
        archive.extractall(scratch, members)
    run_copy(
        str(scratch / MODULE / "stubs"),
        str(destination),
        data={"project_slug": "mvp-api"},
        defaults=True,
        quiet=True,
        unsafe=False,
        overwrite=True,
    )


def test_its_stubs_render_with_copier_for_a_project(wheel: Path, tmp_path: Path) -> None:
    render_shipped_stubs(wheel, tmp_path / "wheel", tmp_path / "out")
    rendered = {str(p.relative_to(tmp_path / "out")) for p in (tmp_path / "out").rglob("*")}
    assert {"app/components/audit.py", "tests/components/test_audit.py"} <= rendered
    assert not {p for p in rendered if p.endswith(".jinja")}
    stub = (tmp_path / "out/app/components/audit.py").read_text()
    assert "`mvp-api audit status`" in stub and '"the mvp-api team"' in stub
    assert "{{" not in stub


def test_its_stubs_pass_their_test_inside_a_generated_project(wheel: Path, project: Path) -> None:
    """What `aegis add audit` will do, by hand: the package installed, its stubs rendered."""
    uv("add", "--quiet", str(wheel), cwd=project)
    render_shipped_stubs(wheel, project.parent / "wheel", project)
    tests = run([venv_bin(project, "pytest"), "-q", "tests/components/test_audit.py"], project)
    assert tests.returncode == 0, tests.output
    status = run([venv_bin(project, "mvp-api"), "audit", "status"], cwd=project)
    assert status.returncode == 0, status.output
    assert status.stdout.splitlines() == ["audit 0.1.0: enabled", "  owner: the mvp-api team"]
    lint = run([venv_bin(project, "ruff"), "check", "app/components", "tests/components"], project)
    assert lint.returncode == 0, lint.output


@pytest.fixture(scope="module")
def installed_aegis(tmp_path_factory: pytest.TempPathFactory, aegis_index: str) -> str:
    """aegis-cli installed from its wheel into a venv of its own, away from this checkout."""
    root = tmp_path_factory.mktemp("installed-cli")
    uv("venv", "--quiet", str(root / "venv"), cwd=root)
    (cli_wheel,) = Path(aegis_index).glob("aegis_cli-*.whl")
    python = str(root / "venv" / "bin" / "python")
    uv("pip", "install", "--quiet", "--python", python, str(cli_wheel), cwd=root)
    return str(root / "venv" / "bin" / "aegis")


def test_installed_aegis_refuses_without_an_index(installed_aegis: str, tmp_path: Path) -> None:
    result = run([installed_aegis, "new-component", NAME], cwd=tmp_path)
    assert_refused(result, "no Aegis index: set AEGIS_INDEX")
    assert list(tmp_path.iterdir()) == []


def test_installed_aegis_writes_an_http_index_that_resolves(
    installed_aegis: str, served_index: str, tmp_path: Path
) -> None:
    """The template ships in aegis-cli's wheel; a URL index is written without `flat`."""
    created = run(
        [installed_aegis, "new-component", NAME], cwd=tmp_path, env={"AEGIS_INDEX": served_index}
    )
    assert created.returncode == 0, created.output
    package = tmp_path / PACKAGE
    meta = tomllib.loads((package / "pyproject.toml").read_text())
    assert meta["tool"]["uv"]["index"] == [{"name": "aegis", "url": served_index}]
    uv("lock", "--quiet", cwd=package)
    lock = tomllib.loads((package / "uv.lock").read_text())
    core = next(p for p in lock["package"] if p["name"] == "aegis-core")
    assert core["source"] == {"registry": served_index}


BAD_NAMES = {
    "Audit": "is not a valid component name",
    "audit_log": "is not a valid component name",
    "audit--log": "is not a valid component name",
    "9lives": "is not a valid component name",
    "class": "is a Python keyword",
    "worker": "is a first-party Aegis name",
    "core": "is a first-party Aegis name",
    "aegis": "would make a package named aegis-aegis",
    "health": "is a command of every project's CLI",
    "aegis-audit": "pass the short name 'audit'",
    "../audit": "is a path, not a name",
    "a" * 31: "at most 30",
}


@pytest.mark.parametrize("name", list(BAD_NAMES))
def test_a_bad_name_is_refused_in_one_line_and_nothing_is_written(
    name: str, tmp_path: Path, aegis_index: str
) -> None:
    result = aegis("new-component", name, cwd=tmp_path, env={"AEGIS_INDEX": aegis_index})
    assert_refused(result, BAD_NAMES[name])
    assert list(tmp_path.iterdir()) == []


def test_an_existing_folder_is_refused_and_left_alone(tmp_path: Path, aegis_index: str) -> None:
    (tmp_path / PACKAGE).mkdir()
    (tmp_path / PACKAGE / "notes.txt").write_text("mine")
    before = tree_digest(tmp_path)
    result = aegis("new-component", NAME, cwd=tmp_path, env={"AEGIS_INDEX": aegis_index})
    assert_refused(result, "already exists and is not empty")
    assert tree_digest(tmp_path) == before


@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [
        (["--description", "two\nlines"], {}, "--description must be one line"),
        (["--description", "  "], {}, "--description is empty"),
        ([], {"AEGIS_INDEX": "/nonexistent/wheels"}, "is not a folder holding aegis-core wheels"),
    ],
    ids=["multi-line description", "empty description", "AEGIS_INDEX not an index"],
)
def test_bad_options_are_refused(
    args: list[str], env: dict[str, str], expected: str, tmp_path: Path, aegis_index: str
) -> None:
    result = aegis(
        "new-component", NAME, *args, cwd=tmp_path, env={"AEGIS_INDEX": aegis_index, **env}
    )
    assert_refused(result, expected)
    assert list(tmp_path.iterdir()) == []


def test_unset_in_this_checkout_its_wheels_are_the_index(tmp_path: Path, aegis_index: str) -> None:
    """The developer's default: no AEGIS_INDEX, the checkout's wheelhouse, and a note that it
    is not a place to keep pointing at."""
    result = aegis("new-component", NAME, cwd=tmp_path)
    assert result.returncode == 0, result.output
    assert "set AEGIS_INDEX to your organisation's Aegis index" in " ".join(result.stdout.split())
    meta = tomllib.loads((tmp_path / PACKAGE / "pyproject.toml").read_text())
    (index,) = meta["tool"]["uv"]["index"]
    assert index["format"] == "flat"
    assert any(Path(index["url"]).glob("aegis_core-*.whl")), index


@pytest.mark.parametrize("index_set", [True, False], ids=["AEGIS_INDEX set", "unset"])
def test_dry_run_shows_the_plan_and_writes_nothing(
    index_set: bool, tmp_path: Path, aegis_index: str
) -> None:
    env = {"AEGIS_INDEX": aegis_index} if index_set else {}
    result = aegis("new-component", NAME, "--dry-run", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.output
    assert 'audit = "aegis_audit.component:component"' in result.stdout
    where = aegis_index if index_set else "this checkout's wheels (built when run for real)"
    assert where in result.stdout
    assert "Dry run: nothing was written." in result.stdout
    assert list(tmp_path.iterdir()) == []


def assert_refused(result: Result, expected: str) -> None:
    assert result.returncode == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert expected in lines[0], lines[0]
    assert "Traceback" not in result.output


def _build_version(package: Path, version: str, where: Path) -> Path:
    """The scaffolded package at another version, its stub test changed: a real new release."""
    copy = shutil.copytree(package, where, ignore=shutil.ignore_patterns(".venv", "dist"))
    pyproject = copy / "pyproject.toml"
    text = pyproject.read_text().replace('version = "0.1.0"', f'version = "{version}"', 1)
    pyproject.write_text(text)
    stub = copy / "src" / MODULE / "stubs/files/tests/components/test_audit.py"
    stub.write_text(f"# Written by {PACKAGE} {version}.\n" + stub.read_text())
    uv("build", "--quiet", "--wheel", "-o", "dist", cwd=copy)
    (built,) = (copy / "dist").glob(f"aegis_audit-{version}-*.whl")
    return built


def test_added_upgraded_and_removed_through_aegis_like_a_first_party_one(
    package: Path, wheel: Path, index_dir: Path, tmp_path: Path
) -> None:
    """Released to the project's index, the third-party component needs no new aegis-cli:
    `aegis components` lists it, `aegis add audit` installs it with its own stubs, `aegis
    upgrade audit` moves it alone, `aegis remove audit` takes it out again."""
    index = shutil.copytree(index_dir, tmp_path / "index")
    simple_index.publish(index, [wheel])
    with serve_folder(index) as url:
        env = {"AEGIS_INDEX": f"{url}/simple/"}
        made = aegis("init", "mvp-api", "--no-interactive", cwd=tmp_path, env=env)
        assert made.returncode == 0, made.output
        project = tmp_path / "mvp-api"

        listed = aegis("components", cwd=project, env=env)
        assert listed.returncode == 0, listed.output
        assert "audit" in listed.stdout and "0.1.0" in listed.stdout

        added = aegis("add", NAME, "--yes", cwd=project, env=env)
        assert added.returncode == 0, added.output
        stub_test = project / "tests/components/test_audit.py"
        assert stub_test.is_file() and (project / "app/components/audit.py").is_file()
        manifest = json.loads((project / ".aegis/manifest.json").read_text())
        assert manifest["components"][NAME]["stubs_from"] == f"{PACKAGE} 0.1.0"
        tests = run([venv_bin(project, "pytest"), "-q", "-p", "no:cacheprovider"], cwd=project)
        assert tests.returncode == 0, tests.output
        run(["git", "add", "-A"], cwd=project)
        run(["git", "commit", "-qm", "audit"], cwd=project)

        simple_index.publish(index, [_build_version(package, "0.2.0", tmp_path / "v2")])
        upgraded = aegis("upgrade", NAME, cwd=project, env=env)
        assert upgraded.returncode == 0, upgraded.output
        assert 'name = "aegis-audit"\nversion = "0.2.0"' in (project / "uv.lock").read_text()
        assert stub_test.read_text().startswith(f"# Written by {PACKAGE} 0.2.0.")
        run(["git", "add", "-A"], cwd=project)
        run(["git", "commit", "-qm", "audit 0.2.0"], cwd=project)

        removed = aegis("remove", NAME, "--yes", cwd=project, env=env)
    assert removed.returncode == 0, removed.output
    assert not stub_test.exists()
    assert PACKAGE not in (project / "pyproject.toml").read_text().split("[tool.uv.sources]")[0]
