"""Fixtures for aegis-core's tests: demo components installed for real (dist-info folders), a
throwaway project package, and a way to make either visible in-process.

The demo components live as plain modules in `demo_components/`; `demo_site` lays them out as
installed distributions in a temp folder, for a subprocess's PYTHONPATH or for `on_path()`.
"""

from __future__ import annotations

import itertools
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from aegis_core.testing.packages import on_path, write_distribution

DEMO_SOURCES = Path(__file__).parent / "demo_components"

DEMO_DISTRIBUTIONS = {
    # entry-point name: (distribution, version, module, aegis-core requirement, summary)
    "good": ("aegis-demo-good", "1.2.3", "aegis_demo_good", ">=0.1,<0.2", "A healthy demo."),
    "hang": ("aegis-demo-hang", "0.3.0", "aegis_demo_hang", ">=0.1,<0.2", "Its check hangs."),
    "legacy": ("aegis-demo-legacy", "0.0.9", "aegis_demo_legacy", "<0.1", "Built for 0.0.x."),
    "broken": ("aegis-demo-broken", "0.1.0", "aegis_demo_broken", ">=0.1", "Cannot import."),
}


def install_demo_components(root: Path, names: tuple[str, ...] = tuple(DEMO_DISTRIBUTIONS)) -> Path:
    for name in names:
        distribution, version, module, core, summary = DEMO_DISTRIBUTIONS[name]
        write_distribution(
            root,
            distribution,
            version,
            modules={f"{module}.py": (DEMO_SOURCES / f"{module}.py").read_text()},
            entry_points={name: f"{module}:component"},
            requires=[f"aegis-core{core}"],
            summary=summary,
        )
    return root


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding the four demo components as installed distributions."""
    return install_demo_components(tmp_path_factory.mktemp("site"))


@pytest.fixture
def installed_demo(demo_site: Path) -> Iterator[Path]:
    """The demo components discoverable in this process for the duration of one test."""
    with on_path(demo_site):
        yield demo_site


_package_ids = itertools.count()


@pytest.fixture
def project_package(tmp_path: Path) -> Iterator[Callable[[dict[str, str]], str]]:
    """Write a project package (a unique import name per call) and put it on sys.path.

    `make({"components/backend/startup/a.py": "..."})` returns the package's import name;
    `__init__.py` files are created for every folder.
    """
    root = tmp_path / "project"
    with on_path(root):

        def make(files: dict[str, str]) -> str:
            name = f"proj{next(_package_ids)}"
            base = root / name
            for relative, source in {"__init__.py": "", **files}.items():
                path = base / relative
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(textwrap.dedent(source))
                for parent in path.relative_to(base).parents:
                    (base / parent / "__init__.py").touch()
            return name

        yield make
