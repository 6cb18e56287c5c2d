"""What the backend check reports of its own process and machine: memory, CPU and disk.

On Linux the figures come straight from /proc, as psutil itself reads them there: importing
psutil costs ~15 ms, and the first `/health` of a freshly started server would pay it before
its first answer. Elsewhere (macOS, Windows) psutil reads them.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")


@dataclass(frozen=True)
class ProcessStats:
    pid: int
    rss_bytes: int
    cpu_percent: float
    """Share of one CPU used since the previous reading (above 100 with several threads busy)."""
    system_memory_percent: float
    """Memory in use on the machine: (total - available) / total, as psutil defines it."""
    disk_percent: float
    disk_free_bytes: int


class ProcessReader:
    """Reads `ProcessStats`; CPU use is measured between two readings of the same reader, so
    keep one for the process's lifetime. A forked child starts its own measurement."""

    def __init__(self, proc: Path = PROC) -> None:
        self._proc = proc
        self._linux = (proc / "self" / "statm").is_file() and (proc / "meminfo").is_file()
        self._pid = -1
        self._cpu_seconds = 0.0
        self._at = 0.0

    def read(self, disk_path: str) -> ProcessStats:
        """The figures now; disk for the file system that holds `disk_path`."""
        disk = shutil.disk_usage(disk_path)
        used_or_free = disk.used + disk.free
        rss, memory = self._linux_memory() if self._linux else _psutil_memory()
        return ProcessStats(
            pid=os.getpid(),
            rss_bytes=rss,
            cpu_percent=self._cpu_percent(),
            system_memory_percent=memory,
            disk_percent=round(disk.used / used_or_free * 100, 1) if used_or_free else 0.0,
            disk_free_bytes=disk.free,
        )

    def _cpu_percent(self) -> float:
        """CPU time over wall time since the last reading; 0.0 at the first one (as psutil)."""
        times = os.times()
        cpu, now, pid = times.user + times.system, time.monotonic(), os.getpid()
        previous, then, same = self._cpu_seconds, self._at, pid == self._pid
        self._pid, self._cpu_seconds, self._at = pid, cpu, now
        if not same or now <= then:
            return 0.0
        return round((cpu - previous) / (now - then) * 100, 1)

    def _linux_memory(self) -> tuple[int, float]:
        pages = int((self._proc / "self" / "statm").read_text().split()[1])
        fields = {}
        for line in (self._proc / "meminfo").read_text().splitlines():
            name, _, value = line.partition(":")
            if name in ("MemTotal", "MemAvailable"):
                fields[name] = int(value.split()[0])  # kB
        total, available = fields.get("MemTotal", 0), fields.get("MemAvailable", 0)
        percent = round((total - available) / total * 100, 1) if total else 0.0
        return pages * os.sysconf("SC_PAGE_SIZE"), percent


def _psutil_memory() -> tuple[int, float]:
    import psutil

    return psutil.Process().memory_info().rss, psutil.virtual_memory().percent
