"""After every `aegis add` the project passes its own `make lint` (ruff check, ruff format
--check, mypy), and `make fix` finds nothing left to change in what aegis wrote."""

from __future__ import annotations

from pathlib import Path

from tests.lifecycle_support import commit, components, ok
from tests.support import run, tree_digest


def test_the_project_passes_its_own_lint_after_each_add(project: Path) -> None:
    for name in components():
        ok("add", name, cwd=project)
        lint = run(["make", "lint"], cwd=project)
        assert lint.returncode == 0, f"make lint fails after `aegis add {name}`:\n{lint.output}"
        commit(project, f"add {name}")
        before = tree_digest(project)
        fix = run(["make", "fix"], cwd=project)
        assert fix.returncode == 0, fix.output
        changed = {p for p, d in tree_digest(project).items() if before.get(p) != d}
        assert not changed, f"`make fix` still changes what `aegis add {name}` wrote: {changed}"
