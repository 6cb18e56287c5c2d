"""Figures for `aegis init` (issue: init + sync <= 10 s warm; --help <= 0.5 s; <= 30 files,
<= 400 Python lines). Prints a table; run with `uv run python bench/init_bench.py`.

Wall times are medians of a few runs on a shared, noisy machine: read them as orders of
magnitude, and compare ratios measured in the same run.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AEGIS = [sys.executable, "-m", "aegis_cli"]
RUNS = 3


def timed(command: list[str], cwd: Path) -> float:
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def median_of(runs: int, measure) -> float:  # type: ignore[no-untyped-def]
    return statistics.median(measure() for _ in range(runs))


def footprint(project: Path) -> tuple[int, int]:
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=project, capture_output=True, text=True, check=True
    ).stdout.split()
    lines = sum(len((project / f).read_text().splitlines()) for f in tracked if f.endswith(".py"))
    return len(tracked), lines


def main() -> None:
    from aegis_cli.index import resolve_index

    resolve_index()  # build the wheelhouse outside the timings
    work = Path(tempfile.mkdtemp(prefix="aegis-bench-"))
    try:
        timed([*AEGIS, "init", "warmup", "--no-interactive"], work)  # warms uv's cache
        counter = iter(range(100))

        def init_once() -> float:
            return timed([*AEGIS, "init", f"bench{next(counter)}", "--no-interactive"], work)

        init = median_of(RUNS, init_once)
        project = work / "warmup"
        shutil.rmtree(project / ".venv")
        sync = median_of(RUNS, lambda: _fresh_sync(project))
        help_time = median_of(5, lambda: timed([str(ROOT / ".venv/bin/aegis"), "--help"], ROOT))
        files, lines = footprint(project)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    rows = [
        ("aegis init (render + uv sync + git), warm cache", f"{init:.2f} s", "<= 10 s"),
        ("uv sync of a generated project, warm cache", f"{sync:.2f} s", "(part of init)"),
        ("aegis --help", f"{help_time:.2f} s", "<= 0.5 s"),
        ("generated files (git ls-files, incl. uv.lock)", str(files), "<= 30"),
        ("generated Python lines", str(lines), "<= 400"),
    ]
    width = max(len(r[0]) for r in rows)
    for name, value, target in rows:
        print(f"{name:<{width}}  {value:>9}  target {target}")


def _fresh_sync(project: Path) -> float:
    shutil.rmtree(project / ".venv", ignore_errors=True)
    return timed(["uv", "sync", "--quiet"], project)


if __name__ == "__main__":
    main()
