"""`aegis add scheduler` / `aegis remove scheduler` wall time, and what `aegis upgrade` touches.

    uv run python bench/lifecycle_bench.py [--rounds 5]

A project is generated once (`aegis init`, the workspace's wheels in a private flat index), then
one add + remove warms uv's cache and is not counted. Each round runs the real `aegis` command in
a subprocess and commits after it, as a user would; medians are reported. Rounds run twice:
as shipped (uv revalidates PyPI metadata over the network) and with UV_OFFLINE=1 (the same
resolution from uv's cache), to separate our time from the network's.

Upgrade: aegis-scheduler 0.1.1 is built from a temporary copy of its source (with a changed stub
template), the user edits the jobs stub, `aegis upgrade scheduler` runs; "user files touched"
counts changed files other than uv.lock, the manifest, stubs the user never edited and the new
`<file>.aegis-new` (target 0).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.lifecycle_support import commit, locked, manifest, ok, private_index  # noqa: E402
from tests.support import aegis, tree_digest  # noqa: E402
from tests.test_lifecycle_upgrade import USER_JOB, build_scheduler, new_stubs  # noqa: E402


def timed(*args: str, cwd: Path, env: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    result = aegis(*args, cwd=cwd, env=env)
    elapsed = time.perf_counter() - started
    assert result.returncode == 0, result.output
    return elapsed


def add_remove_rounds(
    project: Path, rounds: int, env: dict[str, str] | None
) -> tuple[float, float]:
    adds, removes = [], []
    for _ in range(rounds):
        adds.append(timed("add", "scheduler", cwd=project, env=env))
        commit(project, "add")
        removes.append(timed("remove", "scheduler", cwd=project, env=env))
        commit(project, "remove")
    return statistics.median(adds), statistics.median(removes)


def upgrade_touches(project: Path, index: Path, workdir: Path) -> dict[str, object]:
    ok("add", "scheduler", cwd=project)
    jobs = project / "app" / "components" / "scheduler.py"
    jobs.write_text(jobs.read_text() + USER_JOB)
    commit(project, "my job")
    build_scheduler(workdir, "0.1.1", index, new_stubs)
    recorded = manifest(project)["components"]["scheduler"]["files"]
    before, lock_before = tree_digest(project), locked(project)
    unedited = {f for f, digest in recorded.items() if before.get(f) == digest}
    seconds = timed("upgrade", "scheduler", cwd=project)
    after, lock_after = tree_digest(project), locked(project)
    changed = {p for p in set(before) | set(after) if before.get(p) != after.get(p)}
    ours = {"uv.lock", ".aegis/manifest.json"} | unedited
    touched = sorted(p for p in changed - ours if not p.endswith(".aegis-new"))
    moved = sorted(
        n for n in set(lock_before) | set(lock_after) if lock_before.get(n) != lock_after.get(n)
    )
    return {
        "seconds": round(seconds, 2),
        "user_files_touched": touched,
        "lock_moved": moved,
        "changed": sorted(changed),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    with tempfile.TemporaryDirectory(prefix="lifecycle-bench-") as scratch:
        root = Path(scratch)
        result = aegis("init", "bench-app", "--no-interactive", cwd=root)
        assert result.returncode == 0, result.output
        project = root / "bench-app"
        index = private_index(project, root / "index")
        add_remove_rounds(project, 1, None)  # warm-up, not counted
        online = add_remove_rounds(project, rounds, None)
        offline = add_remove_rounds(project, rounds, {"UV_OFFLINE": "1"})
        upgrade = upgrade_touches(project, index, root)
    figures = {
        "rounds": rounds,
        "add_scheduler_s": round(online[0], 2),
        "remove_scheduler_s": round(online[1], 2),
        "add_scheduler_offline_s": round(offline[0], 2),
        "remove_scheduler_offline_s": round(offline[1], 2),
        "upgrade": upgrade,
    }
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
