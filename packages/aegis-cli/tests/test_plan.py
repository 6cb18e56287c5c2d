"""Planning add and remove: only the missing half, requirements first, refusals that name why."""

from __future__ import annotations

import pytest
from aegis_cli.catalog import entry
from aegis_cli.errors import UsageError
from aegis_cli.lifecycle.manifest import Manifest, Record
from aegis_cli.lifecycle.plan import plan_add, plan_remove, present
from aegis_cli.selection import Selected

PINS = {"aegis-core", "aegis-database", "aegis-scheduler", "aegis-worker"}


def _pyproject(*packages: str) -> dict:
    return {"project": {"dependencies": ["aegis-core>=0.1,<0.2", *packages]}}


def _selected(name: str, *options: str) -> Selected:
    found = entry(name)
    assert found is not None
    return Selected(found, options)


def _record(name: str, *options: str) -> Record:
    return Record("component", f"aegis-{name}", list(options))


def test_a_fresh_add_brings_requirements_first() -> None:
    have = present(Manifest(), _pyproject())
    items = plan_add([_selected("scheduler", "sqlite")], have, PINS)
    assert [(i.name, i.add_package, i.add_stubs) for i in items] == [
        ("database", True, True),
        ("scheduler", True, True),
    ]
    assert items[0].selected.required_by == "scheduler"


def test_only_the_missing_half_is_planned() -> None:
    manifest = Manifest({"worker": _record("worker")})
    have = present(manifest, _pyproject("aegis-scheduler>=0.1", "aegis-worker>=0.1"))
    items = {i.name: i for i in plan_add([_selected("scheduler"), _selected("worker")], have, PINS)}
    assert (items["scheduler"].add_package, items["scheduler"].add_stubs) == (False, True)
    assert not items["worker"].changes, "complete: nothing to do"


def test_a_package_without_its_pin_is_added_again_to_restore_it() -> None:
    have = present(Manifest({"worker": _record("worker")}), _pyproject("aegis-worker>=0.1"))
    [item] = plan_add([_selected("worker")], have, PINS - {"aegis-worker"})
    assert item.add_package and not item.add_stubs


def test_removing_a_requirement_is_refused_with_the_reason() -> None:
    manifest = Manifest(
        {"scheduler": _record("scheduler", "sqlite"), "database": _record("database")}
    )
    have = present(manifest, _pyproject("aegis-scheduler>=0.1", "aegis-database>=0.1"))
    with pytest.raises(UsageError, match=r"scheduler needs it \(option sqlite\)"):
        plan_remove(["database"], have)
    items, absent = plan_remove(["scheduler", "database", "worker"], have)
    assert [i.name for i in items] == ["scheduler", "database"]
    assert absent == ["worker"]
