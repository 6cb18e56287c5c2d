"""What the dashboard's header says, and in which order the cards come: problems first.

A person glancing at the page (or at a phone) must see what is wrong without scrolling:
"2 problems: Worker (load_test: 40 jobs due and no live worker), Database (cannot reach …)".
Flet-free, so it is tested without a UI session.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from aegis_core.dashboard.humanize import readable
from aegis_core.health.models import ComponentHealth, DetailedHealth, HealthStatus

MAX_DETAILS = 2
"""Per component in the header: the rest is on its card."""
MAX_DETAIL_CHARS = 70
PROBLEM_STATUSES = frozenset({HealthStatus.WARNING, HealthStatus.UNHEALTHY})


@dataclass(frozen=True)
class Entry:
    """One card: its name, whether it is a component or a service, and its health with every
    status raised to its worst part's (a queue with no worker makes the worker a problem)."""

    name: str
    group: str
    health: ComponentHealth


def entries(health: DetailedHealth) -> list[Entry]:
    """Every card, worst first; equal states keep the order the app reported them in."""
    found = [
        Entry(name, group, item.propagated())
        for group, items in (("Components", health.components), ("Services", health.services))
        for name, item in items.items()
    ]
    return sorted(found, key=lambda e: -e.health.status.severity)


def title_of(name: str) -> str:
    return name.replace("_", " ").replace("-", " ").title()


def problem_details(health: ComponentHealth) -> list[str]:
    """The parts that are wrong, in a few words each: its failing sub-components, else its
    own message."""
    bad = [s for s in health.sub_components.values() if s.status in PROBLEM_STATUSES]
    bad.sort(key=lambda s: -s.status.severity)
    details: list[str] = []
    said: list[str] = []
    for sub in bad:
        gist = _short(sub.message) if sub.message else ""
        if gist and any(earlier in gist for earlier in said):
            continue  # "state unknown: cannot reach Redis" after "cannot reach Redis"
        said.append(gist)
        details.append(f"{sub.name}: {gist}" if gist else sub.name)
    if not details and health.message:
        details = [_short(health.message)]
    return details[:MAX_DETAILS]


def headline(health: DetailedHealth, titles: Mapping[str, str] | None = None) -> str:
    """`2 problems: Worker (…), Database (…)`, or a calm sentence when there are none."""
    titles = titles or {}
    found = entries(health)
    problems = [e for e in found if e.health.status in PROBLEM_STATUSES]
    if not problems:
        notes = sum(1 for e in found if e.health.status is HealthStatus.INFO)
        calm = f"All {len(found)} parts are working"
        return calm + (f" ({notes} with a note)" if notes else "")
    parts = [_problem(e, titles.get(e.name) or title_of(e.name)) for e in problems]
    noun = "problem" if len(problems) == 1 else "problems"
    return f"{len(problems)} {noun}: " + ", ".join(parts)


def _problem(entry: Entry, title: str) -> str:
    details = problem_details(entry.health)
    return f"{title} ({'; '.join(details)})" if details else title


def _short(message: str) -> str:
    """The gist: no parenthesised asides (sizes, the command to run), at most a line."""
    text = re.sub(r"\s*\([^()]*\)", "", readable(message)).strip().rstrip(".")
    return text if len(text) <= MAX_DETAIL_CHARS else text[: MAX_DETAIL_CHARS - 1] + "…"
