"""Running a component's dashboard actions: bounded input and one-line outcomes.

An action is third-party code started by a click. Whatever it does, the page gets one line
back ("Done: queued job 3f2a" / "Not done: amount must be 1 to 100") and stays alive: values
are bounded before `run` sees them, a `ValueError` is the action refusing a value, anything
else is logged and reported as a failure, and no action may take longer than
`ACTION_TIMEOUT` seconds.

With auth installed, only the superuser logged in to the page may act (`operator.py`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass

from aegis_core.component import Component, DashboardAction
from aegis_core.dashboard.humanize import readable

logger = logging.getLogger("aegis.dashboard")

MAX_ACTIONS = 6
MAX_FIELDS = 8
MAX_VALUE_CHARS = 500
MAX_OUTCOME_CHARS = 200
ACTION_TIMEOUT = 30.0


@dataclass(frozen=True)
class Outcome:
    """What the page says after an action: `ok` decides the colour, `message` the words."""

    ok: bool
    message: str


def component_actions(name: str, component: Component | None) -> list[DashboardAction]:
    """The component's actions, or none when it has none or its factory fails (logged)."""
    if component is None or component.dashboard_actions is None:
        return []
    try:
        actions = list(component.dashboard_actions())
    except Exception:
        logger.exception("dashboard actions of %s failed; showing none", name)
        return []
    valid = [a for a in actions if isinstance(a, DashboardAction) and len(a.fields) <= MAX_FIELDS]
    return valid[:MAX_ACTIONS]


def bounded_values(action: DashboardAction, values: Mapping[str, str]) -> dict[str, str]:
    """Only the fields the action declares, stripped; raises ValueError on an overlong one."""
    result: dict[str, str] = {}
    for field in action.fields:
        value = str(values.get(field, "")).strip()
        if len(value) > MAX_VALUE_CHARS:
            raise ValueError(f"{field} is longer than {MAX_VALUE_CHARS} characters")
        result[field] = value
    return result


async def run_action(action: DashboardAction, values: Mapping[str, str]) -> Outcome:
    """Run `action` with `values`; never raises."""
    try:
        checked = bounded_values(action, values)
        message = await asyncio.wait_for(action.run(checked), ACTION_TIMEOUT)
    except ValueError as exc:
        return Outcome(False, f"Not done: {_line(str(exc))}")
    except TimeoutError:
        return Outcome(False, f"Not done: no answer within {ACTION_TIMEOUT:g} s")
    except Exception as exc:
        logger.exception("dashboard action %r failed", action.label)
        return Outcome(False, f"Failed: {type(exc).__name__}: {_line(str(exc))}")
    return Outcome(True, f"Done: {_line(str(message))}" if message else "Done")


def _line(text: str) -> str:
    first = readable(text).strip().splitlines()[0] if text.strip() else ""
    return first if len(first) <= MAX_OUTCOME_CHARS else first[: MAX_OUTCOME_CHARS - 1] + "…"
