"""Discovery over real installed distributions (dist-info folders on sys.path)."""

from __future__ import annotations

from pathlib import Path

import pytest
from aegis_core import __version__ as core_version
from aegis_core.discovery import (
    ComponentProblem,
    DiscoveredComponents,
    ProblemKind,
    discover_components,
    enabled_names_from_env,
)
from aegis_core.testing.packages import on_path, write_distribution

DEMO = frozenset({"good", "hang", "legacy", "broken"})


def problems_by_name(found: DiscoveredComponents) -> dict[str, ComponentProblem]:
    return {p.name: p for p in found.problems}


def component_source(name: str, *, supports: str = ">=0.1,<0.2", requires: str = "()") -> str:
    return (
        "from aegis_core import Component\n"
        f"component = Component(name={name!r}, version='1.0.0', supports_core={supports!r}, "
        f"requires={requires})\n"
    )


def install(root: Path, name: str, source: str) -> None:
    module = f"aegis_t_{name}"
    write_distribution(
        root,
        f"aegis-t-{name}",
        "1.0.0",
        modules={f"{module}.py": source},
        entry_points={name: f"{module}:component"},
    )


def test_loads_compatible_components_and_reports_the_rest(installed_demo: Path) -> None:
    found = discover_components(DEMO)

    assert set(found.names) == {"good", "hang"}
    good = found.get("good")
    assert good is not None and good.version == "1.2.3"
    problems = problems_by_name(found)
    assert problems["legacy"].kind is ProblemKind.INCOMPATIBLE
    assert problems["broken"].kind is ProblemKind.BROKEN


def test_incompatible_message_names_what_to_upgrade(installed_demo: Path) -> None:
    legacy = problems_by_name(discover_components(DEMO))["legacy"]

    message = legacy.message
    assert legacy.package == "aegis-demo-legacy"
    assert f"aegis-demo-legacy 0.0.9 supports aegis-core <0.1 but {core_version}" in message
    assert "uv lock --upgrade-package aegis-demo-legacy" in message


def test_broken_import_is_reported_with_its_error_and_is_not_fatal(installed_demo: Path) -> None:
    found = discover_components(DEMO)

    broken = problems_by_name(found)["broken"]
    assert "ImportError: libfoo.so.1" in broken.message
    assert "good" in found.names


def test_filter_loads_only_the_named_components(
    installed_demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AEGIS_COMPONENTS", "good, legacy")

    found = discover_components()

    assert found.names == ("good",)
    kinds = {p.name: p.kind for p in found.problems}
    assert kinds["hang"] is ProblemKind.DISABLED
    assert kinds["broken"] is ProblemKind.DISABLED  # filtered out before it is even imported
    assert kinds["legacy"] is ProblemKind.INCOMPATIBLE


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(None, None), ("", frozenset()), ("none", frozenset()), ("a, b,,", frozenset({"a", "b"}))],
)
def test_filter_syntax(
    raw: str | None, expected: frozenset[str] | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    if raw is None:
        monkeypatch.delenv("AEGIS_COMPONENTS", raising=False)
    else:
        monkeypatch.setenv("AEGIS_COMPONENTS", raw)
    assert enabled_names_from_env() == expected


def test_missing_requirement_drops_the_chain_and_says_how_to_fix(tmp_path: Path) -> None:
    install(tmp_path, "alpha", component_source("alpha", requires="('beta',)"))
    install(tmp_path, "beta", component_source("beta", requires="('gamma',)"))
    with on_path(tmp_path):
        found = discover_components(frozenset({"alpha", "beta"}))

    assert found.names == ()
    problems = problems_by_name(found)
    assert problems["beta"].package == "aegis-t-beta"
    assert "needs gamma" in problems["beta"].message
    assert "aegis add gamma" in problems["beta"].message
    assert "needs beta" in problems["alpha"].message


def test_requirement_filtered_out_says_to_enable_it(tmp_path: Path) -> None:
    install(tmp_path, "alpha", component_source("alpha", requires="('beta',)"))
    install(tmp_path, "beta", component_source("beta"))
    with on_path(tmp_path):
        found = discover_components(frozenset({"alpha"}))

    message = problems_by_name(found)["alpha"].message
    assert "add beta to AEGIS_COMPONENTS" in message


def test_not_a_component_and_invalid_range_are_broken(tmp_path: Path) -> None:
    install(tmp_path, "plain", "component = {'name': 'plain'}\n")
    install(tmp_path, "badrange", component_source("badrange", supports="0.1+"))
    with on_path(tmp_path):
        problems = problems_by_name(discover_components(frozenset({"plain", "badrange"})))

    assert "is a dict, not an aegis_core.Component" in problems["plain"].message
    assert "invalid aegis-core range '0.1+'" in problems["badrange"].message
    assert problems["plain"].kind is problems["badrange"].kind is ProblemKind.BROKEN
