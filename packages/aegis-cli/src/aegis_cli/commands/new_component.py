"""`aegis new-component NAME`: start a component package shaped like Aegis' own.

Third-party components are distributions like aegis-worker: an `aegis.components` entry point,
a `Component` object, and a stub template inside the wheel (`aegis_<name>/stubs/`). This renders
the copier template `templates/component-package/` into `aegis-<name>/`, with the Aegis index
written into its pyproject so aegis-core never comes from PyPI (an unrelated project owns the
name there).

Every input is checked before anything is written; a failed render removes what it created.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from rich.markup import escape

from aegis_cli.console import console, step
from aegis_cli.errors import AegisError, UsageError
from aegis_cli.index import INDEX_ENV, AegisIndex
from aegis_cli.names import check_name_shape
from aegis_cli.paths import check_output_dir, remove_created, templates_dir, workspace_root

TEMPLATE = "component-package"
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
MAX_NAME_LENGTH = 30
"""Long enough for a real name; short enough that generated lines stay within 100 columns."""
MAX_DESCRIPTION_LENGTH = 200
FIRST_PARTY = frozenset({"core", "cli", "database", "worker", "scheduler", "auth", "ai", "ingress"})
"""Names of this repository's own packages: a third-party component must not take them."""
PROJECT_COMMANDS = frozenset({"health", "serve", "components", "db", "load-test"})
"""Top-level commands of every project CLI: a component with such a name would be hidden."""
ALLOWED = (
    "use lowercase letters, digits and single hyphens, starting with a letter (e.g. audit-log)"
)


@dataclass(frozen=True)
class NewComponentPlan:
    name: str
    target: Path
    description: str | None
    index: AegisIndex | None
    """None in a dry run from this checkout: its wheels are built only for a real run."""

    @property
    def distribution(self) -> str:
        return f"aegis-{self.name}"

    @property
    def module(self) -> str:
        return f"aegis_{self.name.replace('-', '_')}"


def validate_component_name(name: str) -> str:
    """Return `name` when it can name a new component; raise a one-line UsageError otherwise."""
    if name.startswith(("aegis-", "aegis_")):
        short = name[len("aegis-") :]
        raise UsageError(f"pass the short name {short!r}: the package is named aegis-<name>")
    check_name_shape(
        name, what="component", pattern=NAME_PATTERN, max_length=MAX_NAME_LENGTH, allowed=ALLOWED
    )
    if name == "aegis":
        raise UsageError("'aegis' would make a package named aegis-aegis; choose another name")
    if name in FIRST_PARTY:
        raise UsageError(f"{name!r} is a first-party Aegis name (aegis-{name}); choose another")
    if name in PROJECT_COMMANDS:
        raise UsageError(
            f"{name!r} is a command of every project's CLI (`<slug> {name}`); choose another"
        )
    return name


def validate_description(description: str | None) -> str | None:
    """One printable line: it becomes the package's summary in its metadata and README."""
    if description is None:
        return None
    text = description.strip()
    if not text:
        raise UsageError("--description is empty; write one line saying what the component does")
    if len(text) > MAX_DESCRIPTION_LENGTH:
        raise UsageError(
            f"--description is {len(text)} characters; at most {MAX_DESCRIPTION_LENGTH}"
        )
    if any(unicodedata.category(char).startswith("C") for char in text):
        raise UsageError("--description must be one line of printable text")
    return text


def plan_new_component(
    name: str, output_dir: Path, description: str | None, *, dry_run: bool
) -> NewComponentPlan:
    """Check every input before anything is written."""
    validate_component_name(name)
    checked_description = validate_description(description)
    check_output_dir(output_dir.expanduser())
    target = (output_dir.expanduser() / f"aegis-{name}").resolve()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UsageError(f"{target} already exists and is not empty; choose another name or folder")
    return NewComponentPlan(name, target, checked_description, _index(dry_run))


def _index(dry_run: bool) -> AegisIndex | None:
    """The Aegis index for the new pyproject, refused when missing or not an index.

    Unset in this checkout, it is the workspace's wheels: a dry run does not build them (that
    writes), and a failed build is a failed step (exit 1), not bad input.
    """
    from aegis_cli.index import resolve_index

    if not os.environ.get(INDEX_ENV, "").strip() and workspace_root() is not None:
        return None if dry_run else resolve_index()
    try:
        return resolve_index()
    except AegisError as exc:  # unset outside a checkout, or set to something else
        raise UsageError(exc.message) from None


def show_plan(plan: NewComponentPlan) -> None:
    index = (
        f"{plan.index.url} ({plan.index.format})"
        if plan.index
        else "this checkout's wheels (built when run for real)"
    )
    rows = [
        ("package", f"{plan.distribution} in {plan.target}"),
        ("entry point", f'{plan.name} = "{plan.module}.component:component"'),
        ("aegis-core", f">=0.1,<0.2 from the Aegis index: {index}"),
    ]
    for label, value in rows:
        console.print(f"  {label:<12} {escape(value)}", soft_wrap=True)


def create_component_package(plan: NewComponentPlan) -> None:
    """Render the skeleton; on any failure remove what was created and say so."""
    assert plan.index is not None, "only a dry run plans without an index"
    created = _first_missing(plan.target)
    try:
        _render(plan, plan.index)
    except BaseException as exc:
        remove_created(plan.target, created)
        if isinstance(exc, KeyboardInterrupt | AegisError):
            raise
        reason = (exc.strerror or str(exc)) if isinstance(exc, OSError) else str(exc)
        raise AegisError(f"could not write {plan.target}: {reason}; nothing was kept") from None
    step(escape(f"Created {plan.distribution} in {plan.target}"))
    if not os.environ.get(INDEX_ENV, "").strip():
        console.print(
            escape(
                f"Note: its pyproject names this checkout's wheels ({plan.index.url}), which "
                f"a later build replaces; for a package you keep, set {INDEX_ENV} to your "
                "organisation's Aegis index and change [[tool.uv.index]] to match."
            )
        )
    console.print(
        f"Next:\n  cd {escape(str(plan.target))}\n"
        "  uv sync && uv run pytest     # real uvicorn, real entry point\n"
        f"  uv build                     # the wheel carries {plan.module}/stubs/\n"
        "See its README.md for releasing it to your organisation's index."
    )


def _render(plan: NewComponentPlan, index: AegisIndex) -> None:
    from copier import run_copy

    data = {"name": plan.name, "aegis_index_url": index.url, "aegis_index_format": index.format}
    if plan.description is not None:
        data["description"] = plan.description
    run_copy(
        str(templates_dir() / TEMPLATE),
        str(plan.target),
        data=data,
        defaults=True,
        quiet=True,
        unsafe=False,
    )


def _first_missing(target: Path) -> Path | None:
    """The outermost folder the render creates (removed on failure); None when the target
    exists already, empty (emptied again on failure)."""
    if target.exists():
        return None
    while not target.parent.exists():
        target = target.parent
    return target
