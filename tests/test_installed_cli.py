"""The `aegis` command installed the way users install CLIs, from the Aegis index over HTTP,
in a home with no checkout of this repository anywhere: `uv tool install` and `uvx`."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.support import Result, run

INSTALL_TIMEOUT = 600


@pytest.fixture
def home(tmp_path: Path) -> dict[str, str]:
    """A user's environment: empty HOME, tools installed under it, uv's cache kept warm."""
    cache = os.environ.get("UV_CACHE_DIR") or str(Path.home() / ".cache" / "uv")
    user_home = tmp_path / "home"
    user_home.mkdir()
    bin_dir = user_home / ".local" / "bin"
    return {
        "HOME": str(user_home),
        "UV_CACHE_DIR": cache,
        "UV_TOOL_DIR": str(user_home / ".local" / "share" / "uv" / "tools"),
        "UV_TOOL_BIN_DIR": str(bin_dir),
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "AEGIS_INDEX": "",  # nothing set by hand: the tool must know its index itself
        "GIT_AUTHOR_NAME": "user",
        "GIT_AUTHOR_EMAIL": "user@example.com",
        "GIT_COMMITTER_NAME": "user",
        "GIT_COMMITTER_EMAIL": "user@example.com",
    }


def user(command: list[str], cwd: Path, env: dict[str, str]) -> Result:
    return run(command, cwd=cwd, env=env, timeout=INSTALL_TIMEOUT)


def test_uv_tool_install_then_the_whole_lifecycle(
    served_index: str, home: dict[str, str], tmp_path: Path
) -> None:
    workdir = Path(home["HOME"]) / "src"
    workdir.mkdir()
    installed = user(["uv", "tool", "install", "aegis-cli", "--index", f"aegis={served_index}"],
                     workdir, home)  # fmt: skip
    assert installed.returncode == 0, installed.output
    aegis = str(Path(home["UV_TOOL_BIN_DIR"]) / "aegis")

    made = user([aegis, "init", "my-api", "--no-interactive"], workdir, home)
    assert made.returncode == 0, made.output
    project = workdir / "my-api"
    assert served_index in (project / "pyproject.toml").read_text()

    steps = [
        ["add", "worker", "--yes"],
        ["status"],
        ["upgrade", "worker"],
        ["update", "--dry-run"],
        ["remove", "worker", "--yes"],
    ]
    for step in steps:
        done = user([aegis, *step], project, home)
        assert done.returncode == 0, f"aegis {' '.join(step)}:\n{done.output}"
        if step[0] in {"add", "remove"}:
            run(["git", "add", "-A"], cwd=project, env=home)
            run(["git", "commit", "-qm", f"aegis {step[0]}"], cwd=project, env=home)
    assert not (project / "app/components/worker").exists()
    tests = user(["uv", "run", "pytest", "-q", "-p", "no:cacheprovider"], project, home)
    assert tests.returncode == 0, tests.output


def test_uvx_with_the_index_in_uv_index(
    served_index: str, home: dict[str, str], tmp_path: Path
) -> None:
    """`UV_INDEX=aegis=URL`: uv finds aegis-cli there, and aegis finds its packages there."""
    env = {**home, "UV_INDEX": f"aegis={served_index}"}
    made = user(["uvx", "--from", "aegis-cli", "aegis", "init", "my-api", "--no-interactive"],
                tmp_path, env)  # fmt: skip
    assert made.returncode == 0, made.output
    assert served_index in (tmp_path / "my-api" / "pyproject.toml").read_text()


def test_an_installed_aegis_without_any_index_says_how_to_set_one(
    home: dict[str, str], tmp_path: Path, aegis_index: str
) -> None:
    """Installed from a folder of wheels by path (no index recorded): one line, exit 1."""
    wheel = next(Path(aegis_index).glob("aegis_cli-*.whl"))
    installed = user(["uv", "tool", "install", str(wheel)], tmp_path, home)
    assert installed.returncode == 0, installed.output
    aegis = str(Path(home["UV_TOOL_BIN_DIR"]) / "aegis")

    refused = user([aegis, "init", "my-api", "--no-interactive"], tmp_path, home)

    assert refused.returncode != 0
    assert "no Aegis index: set AEGIS_INDEX to the index URL" in refused.output
    assert "Traceback" not in refused.output
    assert not (tmp_path / "my-api").exists()


def test_add_service_and_remove_service_from_the_installed_tool(
    index_dir: Path, aegis_index: str, home: dict[str, str], tmp_path: Path
) -> None:
    """A service published to the index (made the way a third party makes one: `aegis
    new-component`, declared a service in its metadata) is added and removed by the installed
    aegis with add-service / remove-service."""
    from devtools import simple_index
    from tests.index_support import serve_folder
    from tests.support import aegis

    made = aegis("new-component", "tickets", cwd=tmp_path, env={"AEGIS_INDEX": aegis_index})
    assert made.returncode == 0, made.output
    package = tmp_path / "aegis-tickets"
    for relative, old, new in (
        ("pyproject.toml", 'keywords = ["aegis-component"]', 'keywords = ["aegis-service"]'),
    ):
        path = package / relative
        assert old in path.read_text(), relative
        path.write_text(path.read_text().replace(old, new))
    built = run(["uv", "build", "--wheel", "--quiet", "-o", "dist"], cwd=package)
    assert built.returncode == 0, built.output
    index = tmp_path / "index"
    shutil.copytree(index_dir, index)
    simple_index.publish(index, sorted((package / "dist").glob("*.whl")))

    with serve_folder(index) as url:
        simple = f"{url}/simple/"
        installed = user(["uv", "tool", "install", "aegis-cli", "--index", f"aegis={simple}"],
                         tmp_path, home)  # fmt: skip
        assert installed.returncode == 0, installed.output
        tool = str(Path(home["UV_TOOL_BIN_DIR"]) / "aegis")
        assert user([tool, "init", "my-api", "--no-interactive"], tmp_path, home).returncode == 0
        project = tmp_path / "my-api"

        listed = user([tool, "services"], project, home)
        assert "tickets" in listed.stdout, listed.output
        added = user([tool, "add-service", "tickets", "--yes"], project, home)
        assert added.returncode == 0, added.output
        assert (project / "app/components/tickets.py").is_file()
        run(["git", "add", "-A"], cwd=project, env=home)
        run(["git", "commit", "-qm", "tickets"], cwd=project, env=home)
        removed = user([tool, "remove-service", "tickets", "--yes"], project, home)
    assert removed.returncode == 0, removed.output
    assert not (project / "app/components/tickets.py").exists()
