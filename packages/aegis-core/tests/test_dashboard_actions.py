"""Dashboard actions run third-party code from a click: bounded input, one-line outcomes."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

import pytest
from aegis_core.component import Component, DashboardAction
from aegis_core.dashboard import actions
from aegis_core.dashboard.actions import (
    MAX_ACTIONS,
    MAX_VALUE_CHARS,
    component_actions,
    run_action,
)
from aegis_core.dashboard.operator import needs_superuser


async def echo(values: Mapping[str, str]) -> str:
    return f"got {dict(values)}"


async def refuse(values: Mapping[str, str]) -> str:
    raise ValueError("amount must be 1 to 100\nsecond line")


async def crash(values: Mapping[str, str]) -> str:
    raise RuntimeError("redis://:pw@host:6379/0 went away")


async def hang(values: Mapping[str, str]) -> str:
    await asyncio.sleep(60)
    return "never"


def action(run: object, fields: tuple[str, ...] = ()) -> DashboardAction:
    return DashboardAction(label="Do it", run=run, fields=fields)  # type: ignore[arg-type]


async def test_only_declared_fields_reach_the_action_stripped() -> None:
    outcome = await run_action(action(echo, ("amount",)), {"amount": " 3 ", "sneaky": "x"})

    assert outcome.ok and outcome.message == "Done: got {'amount': '3'}"


async def test_a_refused_value_is_one_line_and_not_done() -> None:
    outcome = await run_action(action(refuse), {})

    assert not outcome.ok and outcome.message == "Not done: amount must be 1 to 100"


async def test_an_overlong_value_never_reaches_the_action() -> None:
    outcome = await run_action(action(echo, ("name",)), {"name": "x" * (MAX_VALUE_CHARS + 1)})

    assert outcome.message == f"Not done: name is longer than {MAX_VALUE_CHARS} characters"


async def test_a_crash_is_reported_without_credentials(caplog: pytest.LogCaptureFixture) -> None:
    outcome = await run_action(action(crash), {})

    assert outcome.message == "Failed: RuntimeError: Redis at host:6379/0 went away"
    assert "dashboard action 'Do it' failed" in caplog.text


async def test_an_action_that_hangs_is_given_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(actions, "ACTION_TIMEOUT", 0.05)

    outcome = await run_action(action(hang), {})

    assert outcome.message == "Not done: no answer within 0.05 s"


def test_actions_of_a_component_are_bounded_and_a_failing_factory_gives_none() -> None:
    many = Component(dashboard_actions=lambda: [action(echo)] * 20)

    def broken() -> list[DashboardAction]:
        raise ImportError("missing extra")

    assert len(component_actions("many", many)) == MAX_ACTIONS
    assert component_actions("broken", Component(dashboard_actions=broken)) == []
    assert component_actions("none", None) == []
    assert needs_superuser(("auth", "worker")) and not needs_superuser(("worker",))
