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
from packaging.specifiers import SpecifierSet

DEMO = frozenset({"good", "hang", "legacy", "broken"})


def problems_by_name(found: DiscoveredComponents) -> dict[str, ComponentProblem]:
    return {p.name: p for p in found.problems}


def component_source() -> str:
    return "from aegis_core import Component\ncomponent = Component()\n"


def install(
    root: Path,
    name: str,
    source: str,
    *,
    core: str = "aegis-core>=0.1,<0.2",
    needs: tuple[str, ...] = (),
) -> None:
    """Install component `name` from distribution aegis-t-<name>, depending on aegis-t-<needs>."""
    module = f"aegis_t_{name}"
    write_distribution(
        root,
        f"aegis-t-{name}",
        "1.0.0",
        modules={f"{module}.py": source},
        entry_points={name: f"{module}:component"},
        requires=[core, *(f"aegis-t-{other}>=1" for other in needs)],
    )


def test_loads_compatible_components_and_reports_the_rest(installed_demo: Path) -> None:
    found = discover_components(DEMO)

    assert set(found.names) == {"good", "hang"}
    good = next(c for c in found.active if c.name == "good")
    assert (good.package, good.version, good.description) == (
        "aegis-demo-good",
        "1.2.3",
        "A healthy demo.",
    )
    assert found.get("good") is good.component
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
    """What a component needs is read from its distribution's dependencies, never repeated."""
    install(tmp_path, "alpha", component_source(), needs=("beta",))
    install(tmp_path, "beta", component_source(), needs=("gamma",))
    install(tmp_path, "gamma", "raise ImportError('libgamma.so.2')\n")
    with on_path(tmp_path):
        found = discover_components(frozenset({"alpha", "beta", "gamma"}))

    assert found.names == ()
    problems = problems_by_name(found)
    assert problems["beta"].package == "aegis-t-beta"
    assert problems["beta"].kind is ProblemKind.MISSING_REQUIREMENT
    assert "needs gamma" in problems["beta"].message
    assert "fix gamma, which failed to load" in problems["beta"].message
    assert "needs beta" in problems["alpha"].message


def test_an_option_of_an_extra_is_not_a_requirement(tmp_path: Path) -> None:
    write_distribution(
        tmp_path,
        "aegis-t-solo",
        "1.0.0",
        modules={"aegis_t_solo.py": component_source()},
        entry_points={"solo": "aegis_t_solo:component"},
        requires=["aegis-core>=0.1,<0.2", 'aegis-t-beta>=1; extra == "beta"'],
    )
    install(tmp_path, "beta", component_source())
    with on_path(tmp_path):
        found = discover_components(frozenset({"solo"}))

    assert found.names == ("solo",)


def test_requirement_filtered_out_says_to_enable_it(tmp_path: Path) -> None:
    install(tmp_path, "alpha", component_source(), needs=("beta",))
    install(tmp_path, "beta", component_source())
    with on_path(tmp_path):
        found = discover_components(frozenset({"alpha"}))

    message = problems_by_name(found)["alpha"].message
    assert "add beta to AEGIS_COMPONENTS" in message


def test_not_a_component_and_invalid_range_are_broken(tmp_path: Path) -> None:
    install(tmp_path, "plain", "component = {'name': 'plain'}\n")
    install(tmp_path, "badrange", component_source(), core="aegis-core 0.1+")
    with on_path(tmp_path):
        problems = problems_by_name(discover_components(frozenset({"plain", "badrange"})))

    assert "is a dict, not an aegis_core.Component" in problems["plain"].message
    assert "invalid requirement" in problems["badrange"].message
    assert problems["plain"].kind is problems["badrange"].kind is ProblemKind.BROKEN


def test_name_version_kind_and_core_range_come_from_the_distribution(tmp_path: Path) -> None:
    """A component states them once, in its pyproject; the object repeats none of them."""
    write_distribution(
        tmp_path,
        "aegis-t-audit",
        "2.4.0",
        modules={"aegis_t_audit.py": component_source()},
        entry_points={"audit-log": "aegis_t_audit:component"},
        requires=["httpx>=0.27", "aegis-core>=0.1,<0.2", "aegis-core<0.1; python_version<'3'"],
        summary="Who did what, when.",
        keywords=["aegis-service", "aegis-needs:Redis"],
    )
    with on_path(tmp_path):
        (audit,) = discover_components(frozenset({"audit-log"})).active

    assert (audit.name, audit.package, audit.version) == ("audit-log", "aegis-t-audit", "2.4.0")
    assert (audit.kind, audit.description) == ("service", "Who did what, when.")
    assert SpecifierSet(audit.supports_core) == SpecifierSet(">=0.1,<0.2")


def test_incompatible_component_is_never_imported(tmp_path: Path) -> None:
    """Code written for another aegis-core is not run: the range is checked before import."""
    install(tmp_path, "old", "raise SystemExit('imported')\n", core="aegis-core<0.1")
    with on_path(tmp_path):
        problem = problems_by_name(discover_components(frozenset({"old"})))["old"]

    assert problem.kind is ProblemKind.INCOMPATIBLE
