"""What a lifecycle command did, collected while it runs and printed once at the end.

Printed in the shape users know from the docs: Added / Updated / Removed / Kept / Ran.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Outcome:
    title: str = ""
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    """Files and blocks left in place because the user changed them."""
    left: list[str] = field(default_factory=list)
    """Existing files the CLI did not write, so it did not overwrite them."""
    ran: list[str] = field(default_factory=list)
    nothing: list[str] = field(default_factory=list)
    """Sentences for names that needed no change."""
    notes: list[str] = field(default_factory=list)

    def touch(self, relative: str) -> None:
        if relative not in self.updated:
            self.updated.append(relative)

    def to_data(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if v}


SECTIONS = (
    ("added", "Added", "Would add", "green"),
    ("updated", "Updated", "Would update", "cyan"),
    ("removed", "Removed", "Would remove", "yellow"),
    ("kept", "Kept because you changed it", "Would keep (you changed it)", "magenta"),
    ("left", "Left as they are (not written by aegis)", "Would leave as they are", "magenta"),
    ("ran", "Ran", "Would run", "dim"),
)


def show(outcome: Outcome, *, dry_run: bool = False) -> None:
    """Print the outcome; in a dry run every heading says what would happen."""
    from rich.markup import escape

    from aegis_cli.console import console

    for sentence in outcome.nothing:
        console.print(f"[dim]•[/] {escape(sentence)}")
    if outcome.title:
        console.print(f"[bold]{escape(outcome.title)}[/]")
    for attribute, heading, would, colour in SECTIONS:
        lines = getattr(outcome, attribute)
        if not lines:
            continue
        console.print(f"[{colour}]{would if dry_run else heading}:[/]")
        for line in lines:
            console.print(f"  - {escape(line)}")
    for note in outcome.notes:
        console.print(f"[dim]{escape(note)}[/]")
    if dry_run:
        console.print("Dry run: nothing was changed.")
