"""Each package's CHANGELOG.md: work in progress is written under `## Unreleased`; a release
moves it under `## <version> (<date>)` and leaves an empty Unreleased section on top.

The format is Keep a Changelog's, kept deliberately small so a release can edit it by rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

UNRELEASED = "## Unreleased"
_HEADING = re.compile(r"^## ", re.MULTILINE)


class ChangelogError(ValueError):
    """The changelog cannot be released as it stands."""


@dataclass(frozen=True)
class Release:
    text: str
    """The whole changelog after the release."""
    notes: str
    """What moved under the new version (the release notes)."""


def release(text: str, version: str, date: str) -> Release:
    """Move the Unreleased notes under `version`; refuse when there are none."""
    start = text.find(UNRELEASED + "\n")
    if start < 0:
        raise ChangelogError(f"no '{UNRELEASED}' section: add one with what changed")
    body_start = start + len(UNRELEASED) + 1
    following = _HEADING.search(text, body_start)
    body_end = following.start() if following else len(text)
    notes = text[body_start:body_end].strip()
    if not notes:
        raise ChangelogError(f"'{UNRELEASED}' is empty: write what changed before releasing")
    if re.search(rf"^## {re.escape(version)}\b", text, re.MULTILINE):
        raise ChangelogError(f"version {version} is already in the changelog")
    released = f"{UNRELEASED}\n\n## {version} ({date})\n\n{notes}\n\n"
    return Release(text[:start] + released + text[body_end:].lstrip("\n"), notes)
