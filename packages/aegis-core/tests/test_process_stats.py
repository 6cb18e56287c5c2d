"""The backend check's figures, read from /proc, agree with psutil's for the same process."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import psutil
import pytest
from aegis_core.health.process_stats import ProcessReader

linux_only = pytest.mark.skipif(sys.platform != "linux", reason="/proc is Linux's")
"""A platform, not a prerequisite: on Linux (CI, containers) the /proc case always runs."""


def _busy(seconds: float) -> None:
    deadline = time.process_time() + seconds
    while time.process_time() < deadline:
        pass


@pytest.mark.parametrize(
    "proc", [pytest.param(Path("/proc"), marks=linux_only), Path("/nonexistent")], ids=str
)
def test_the_figures_match_psutils(proc: Path, tmp_path: Path) -> None:
    """/proc where it exists; psutil where it does not (macOS, Windows)."""
    stats = ProcessReader(proc).read(str(tmp_path))
    process = psutil.Process()
    assert stats.pid == os.getpid()
    assert abs(stats.rss_bytes - process.memory_info().rss) < 0.1 * process.memory_info().rss
    assert abs(stats.system_memory_percent - psutil.virtual_memory().percent) < 3
    disk = psutil.disk_usage(str(tmp_path))
    assert abs(stats.disk_percent - disk.percent) < 1
    assert abs(stats.disk_free_bytes - disk.free) < 0.01 * disk.total


def test_cpu_is_the_share_used_since_the_previous_reading(tmp_path: Path) -> None:
    reader = ProcessReader()
    assert reader.read(str(tmp_path)).cpu_percent == 0.0, "nothing to compare the first with"
    _busy(0.3)
    assert reader.read(str(tmp_path)).cpu_percent > 50
    time.sleep(0.3)
    assert reader.read(str(tmp_path)).cpu_percent < 50


def test_a_forked_child_measures_its_own_cpu(tmp_path: Path) -> None:
    reader = ProcessReader()
    reader.read(str(tmp_path))
    _busy(0.2)
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        os.write(write, str(reader.read(str(tmp_path)).cpu_percent).encode())
        os._exit(0)
    os.waitpid(child, 0)
    assert float(os.read(read, 64)) == 0.0, "the parent's busy time is not the child's"
