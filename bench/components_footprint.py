"""What each component's stub template adds to a user's project: files and Python lines.

The product promise is "the code lives in a package; the project gets a few short stubs", with
targets of at most 5 files and 80 lines of Python per component (CONTRIBUTING.md). This prints
the figure for every `templates/<name>/files` except the project scaffold itself.

Python lines = non-blank lines of `*.py` / `*.py.jinja` files that are not only a `#` comment
(docstrings count: they are what the user reads).

    uv run python bench/components_footprint.py
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
MAX_FILES = 5
MAX_PY_LINES = 80


@dataclass(frozen=True)
class Footprint:
    name: str
    files: list[str]
    py_lines: int

    @property
    def within_targets(self) -> bool:
        return len(self.files) <= MAX_FILES and self.py_lines <= MAX_PY_LINES


def python_lines(path: Path) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return sum(1 for line in lines if line.strip() and not line.strip().startswith("#"))


def rendered_name(path: Path, root: Path) -> str:
    relative = path.relative_to(root).as_posix()
    return relative.removesuffix(".jinja")


def footprint(template: Path) -> Footprint:
    root = template / "files"
    paths = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []
    names = [rendered_name(p, root) for p in paths]
    py = sum(python_lines(p) for p, n in zip(paths, names, strict=True) if n.endswith(".py"))
    return Footprint(template.name, names, py)


def main() -> int:
    templates = sorted(
        p
        for p in TEMPLATES.iterdir()
        if p.is_dir() and (p / "copier.yml").is_file() and p.name != "project"
    )
    results = [footprint(t) for t in templates]
    targets = f"within ≤{MAX_FILES} files / ≤{MAX_PY_LINES} lines"
    print(f"{'component':<12} {'files':>5} {'py lines':>8}  {targets}")
    for result in results:
        verdict = "yes" if result.within_targets else "NO"
        print(f"{result.name:<12} {len(result.files):>5} {result.py_lines:>8}  {verdict}")
        for name in result.files:
            print(f"{'':<14}{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
