import pytest
from aegis_cli.catalog import CatalogEntry, entry
from aegis_cli.errors import UsageError
from aegis_cli.selection import Selected, _split, catalog_rows, parse, with_requirements


def test_split_keeps_bracket_options_together() -> None:
    assert _split("scheduler[sqlite,x], worker") == ["scheduler[sqlite,x]", "worker"]


def test_requirements_come_first_and_say_why() -> None:
    auth = entry("auth")
    assert auth is not None
    resolved = with_requirements([Selected(auth)])
    assert [s.name for s in resolved] == ["database", "auth"]
    assert resolved[0].required_by == "auth"


def test_option_requirements_are_resolved() -> None:
    scheduler = entry("scheduler")
    assert scheduler is not None
    resolved = with_requirements([Selected(scheduler, ("sqlite",))])
    assert [s.name for s in resolved] == ["database", "scheduler"]


def test_unknown_name_lists_valid_ones() -> None:
    with pytest.raises(UsageError, match="unknown component 'nope'; valid components:"):
        parse("nope", "component")


def test_a_service_is_not_a_component() -> None:
    with pytest.raises(UsageError, match="unknown component 'auth'"):
        parse("auth", "component")


def test_catalog_rows_cover_every_entry(first_party_catalog: tuple[CatalogEntry, ...]) -> None:
    rows = catalog_rows("component") + catalog_rows("service")
    assert {r["name"] for r in rows} == {e.name for e in first_party_catalog}
    assert all(r["package"].startswith("aegis-") for r in rows)
