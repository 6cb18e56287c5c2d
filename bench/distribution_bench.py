"""Figures for distribution: `aegis init` through the installed tool from an HTTP index (warm
uv cache; target <= 5 s) and releasing one package with `dev.py release` (target <= 15 s).

Run with `uv run python bench/distribution_bench.py`. Medians of a few runs on a shared, noisy
machine: read them as orders of magnitude.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RUNS = 3


def timed(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")
    return time.perf_counter() - started


def median(measure: Callable[[], float]) -> float:
    return statistics.median(measure() for _ in range(RUNS))


def main() -> None:
    from aegis_cli.index import ensure_wheelhouse

    from devtools import simple_index
    from tests.index_support import serve_folder

    work = Path(tempfile.mkdtemp(prefix="aegis-dist-bench-"))
    index = work / "index"
    simple_index.publish(index, sorted(ensure_wheelhouse(ROOT).glob("*.whl")))
    env = {k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "AEGIS_INDEX"}}
    env |= {"UV_TOOL_DIR": str(work / "tools"), "UV_TOOL_BIN_DIR": str(work / "bin")}
    with serve_folder(index) as url:
        simple = f"{url}/simple/"
        install = ["uv", "tool", "install", "aegis-cli", "--index", f"aegis={simple}"]
        installed = timed(install, work, env)
        aegis = str(work / "bin" / "aegis")
        timed([aegis, "init", "warmup", "--no-interactive"], work, env)  # warms uv's cache
        counter = iter(range(100))
        init = median(
            lambda: timed([aegis, "init", f"p{next(counter)}", "--no-interactive"], work, env)
        )
    release_time = median(lambda: _release_once(work, index, env))
    print("| figure | median | target |")
    print("|---|---|---|")
    print(
        f"| `uv tool install aegis-cli` from the HTTP index (warm cache) | {installed:.2f} s | — |"
    )
    print(f"| `aegis init` (installed tool, HTTP index, warm cache) | {init:.2f} s | ≤ 5 s |")
    print(f"| `dev.py release aegis-ingress --bump patch` | {release_time:.2f} s | ≤ 15 s |")


def _release_once(work: Path, index: Path, env: dict[str, str]) -> float:
    from tests.index_support import clone_repository

    clone = work / "aegis"
    if not clone.exists():
        clone_repository(clone)
    changelog = clone / "packages/aegis-ingress/CHANGELOG.md"
    notes = changelog.read_text().replace("## Unreleased\n", "## Unreleased\n\n- Bench.\n", 1)
    changelog.write_text(notes)
    subprocess.run(["git", "commit", "-qam", "bench notes"], cwd=clone, check=True)
    release = [sys.executable, "-m", "devtools.release", "aegis-ingress", "--bump", "patch"]
    return timed([*release, "--to", str(index)], clone, env)


if __name__ == "__main__":
    main()
