"""Install throwaway distributions for tests: real `*.dist-info` folders, no pip involved.

Discovery reads entry points through `importlib.metadata`, which scans every `sys.path` entry
for `<name>-<version>.dist-info/`. Writing that folder (METADATA + entry_points.txt) beside the
package's modules is all it takes for a component to be "installed": put the folder on
`PYTHONPATH` of a subprocess, or use `on_path()` in-process.

    root = tmp_path / "site"
    write_distribution(root, "aegis-demo", "1.0.0", modules={"aegis_demo.py": SOURCE},
                       entry_points={"demo": "aegis_demo:component"},
                       requires=["aegis-core>=0.1,<0.2"], summary="A demo component.")
"""

from __future__ import annotations

import importlib
import re
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from aegis_core.component import ENTRY_POINT_GROUP


def write_distribution(
    root: Path,
    name: str,
    version: str,
    *,
    modules: Mapping[str, str],
    entry_points: Mapping[str, str] | None = None,
    group: str = ENTRY_POINT_GROUP,
    requires: Sequence[str] = (),
    summary: str = "",
    keywords: Sequence[str] = (),
) -> Path:
    """Lay out distribution `name` under `root` as an installer would; returns its dist-info.

    `modules` maps paths relative to `root` (`pkg/__init__.py`) to their source;
    `entry_points` maps entry-point names to `module:attribute` in `group`. `requires`,
    `summary` and `keywords` are the metadata a pyproject's `dependencies`, `description` and
    `keywords` become (discovery reads a component's aegis-core range, description and kind
    from them).
    """
    root.mkdir(parents=True, exist_ok=True)
    for relative, source in modules.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source)
    dist_info = root / f"{_normalized(name)}-{version}.dist-info"
    dist_info.mkdir(exist_ok=True)
    metadata = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    metadata += [f"Summary: {summary}"] if summary else []
    metadata += [f"Keywords: {','.join(keywords)}"] if keywords else []
    metadata += [f"Requires-Dist: {requirement}" for requirement in requires]
    (dist_info / "METADATA").write_text("\n".join(metadata) + "\n")
    lines = [f"[{group}]", *(f"{ep} = {target}" for ep, target in (entry_points or {}).items())]
    (dist_info / "entry_points.txt").write_text("\n".join(lines) + "\n")
    (dist_info / "RECORD").write_text("")
    return dist_info


def _normalized(name: str) -> str:
    """The dist-info folder name of a project (PEP 427: runs of -_. become one underscore)."""
    return re.sub(r"[-_.]+", "_", name).lower()


@contextmanager
def on_path(root: Path) -> Iterator[Path]:
    """Make the distributions under `root` importable and discoverable in this process.

    On exit the path entry goes, modules imported from `root` are forgotten and discovery's
    cache is cleared, so the next test starts from the real environment again.
    """
    from aegis_core.discovery import clear_cache

    entry = str(root)
    sys.path.insert(0, entry)
    importlib.invalidate_caches()
    clear_cache()
    try:
        yield root
    finally:
        sys.path.remove(entry)
        for name, module in list(sys.modules.items()):
            if str(getattr(module, "__file__", "") or "").startswith(entry):
                del sys.modules[name]
        importlib.invalidate_caches()
        clear_cache()
