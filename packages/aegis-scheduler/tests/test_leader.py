"""Scheduler replicas elect one leader through a lease in the job store's database.

On real SQLite and PostgreSQL: the lease itself (take, renew, expire, release), then real
scheduler processes sharing one store: each job runs in one process only, and a standby takes
over when the leader is killed or stopped.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from aegis_core.testing import wait_until
from aegis_scheduler.leader import FileLease, LeaderLease, Lease
from aegis_scheduler.stores import sql_store
from aegis_scheduler.testing import Project

PID_JOBS = """
import os

from apscheduler.schedulers.asyncio import AsyncIOScheduler


def tick() -> None:
    with open(os.environ["MARK_FILE"], "a") as marks:
        marks.write(f"{os.getpid()}\\n")


def register_jobs(scheduler: AsyncIOScheduler) -> None:
    scheduler.add_job(tick, "interval", seconds=1, id="tick", name="Tick", replace_existing=True)
"""


def lease(url: str, holder: str, ttl: float = 30) -> LeaderLease:
    return LeaderLease(sql_store(url).url or url, ttl, holder=holder)


def one_holder_at_a_time_until_released(first: Lease, second: Lease) -> None:
    assert first.try_acquire()
    assert not second.try_acquire()
    assert first.try_acquire()  # renewal
    assert second.current_holder() == "a"
    first.release()
    assert second.try_acquire()
    assert not first.try_acquire()
    assert first.current_holder() == "b"


def an_expired_lease_passes_to_another(first: Lease, second: Lease) -> None:
    assert first.try_acquire()
    time.sleep(0.7)
    assert first.current_holder() is None
    assert second.try_acquire()
    assert not first.try_acquire()


def test_one_holder_at_a_time_until_released(sql_jobstore: str) -> None:
    one_holder_at_a_time_until_released(lease(sql_jobstore, "a"), lease(sql_jobstore, "b"))


def test_an_expired_lease_passes_to_another_and_the_old_holder_cannot_renew(
    sql_jobstore: str,
) -> None:
    first, second = lease(sql_jobstore, "a", ttl=0.5), lease(sql_jobstore, "b", ttl=0.5)
    an_expired_lease_passes_to_another(first, second)


def test_the_lease_file_behaves_the_same(tmp_path: Path) -> None:
    """The memory store's lease: a SQLite file through the standard library."""
    path = tmp_path / "leader.db"
    one_holder_at_a_time_until_released(FileLease(path, 30, "a"), FileLease(path, 30, "b"))
    other = tmp_path / "other.db"
    an_expired_lease_passes_to_another(FileLease(other, 0.5, "a"), FileLease(other, 0.5, "b"))


def test_the_lease_file_needs_no_sqlalchemy(tmp_path: Path) -> None:
    """A scheduler without a SQL store has no SQLAlchemy installed; its lease must not need it."""
    script = (
        "import sys; sys.modules['sqlalchemy'] = None\n"
        "from pathlib import Path\n"
        "from aegis_scheduler.leader import FileLease\n"
        f"print(FileLease(Path({str(tmp_path / 'l.db')!r}), 30).try_acquire())\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.stdout.strip() == "True", result.stderr


def pids(project: Project) -> list[int]:
    return (
        [int(line) for line in project.marks.read_text().split()] if project.marks.exists() else []
    )


def test_two_scheduler_processes_run_each_job_once_and_a_standby_takes_over(
    project: Project, sql_jobstore: str
) -> None:
    project.write_jobs(PID_JOBS)
    env = {"SCHEDULER_JOBSTORE": sql_jobstore, "SCHEDULER_LEADER_TTL_SECONDS": "2"}
    one, two = project.start(**env), project.start(**env)
    wait_until(lambda: len(pids(project)) >= 3, 30, what="three ticks", details=project.log)
    leader = pids(project)[0]
    assert set(pids(project)) == {leader}, "only the leader runs the job"
    standby = two if leader == one.pid else one
    time.sleep(2)
    assert set(pids(project)) == {leader}

    os.kill(leader, signal.SIGKILL)  # no release: the standby waits for the lease to expire
    killed_at = len(pids(project))
    # ~4 s on a quiet machine (lease expiry, a poll, the first interval); generous for a busy one
    wait_until(
        lambda: standby.pid in pids(project),
        60,
        what="the standby's first tick",
        details=lambda: "\n---\n".join(
            log.read_text() for log in sorted(project.root.glob("scheduler-*.log"))
        ),
    )
    assert set(pids(project)[killed_at:]) == {standby.pid}

    replacement = project.start(**env)  # joins as a standby of the new leader
    wait_until(lambda: "standing by" in project.log(-1), 30, what="the replacement standing by")
    assert replacement.pid not in pids(project)
    assert project.stop(standby) == 0  # SIGTERM releases the lease: no expiry to wait for
    wait_until(
        lambda: replacement.pid in pids(project),
        10,
        what="the replacement leading",
        details=lambda: project.log(-1),
    )


def test_a_leader_that_loses_its_lease_stops_scheduling_and_exits_1(
    project: Project, sql_jobstore: str
) -> None:
    project.write_jobs(PID_JOBS)
    env = {"SCHEDULER_JOBSTORE": sql_jobstore, "SCHEDULER_LEADER_TTL_SECONDS": "3"}
    leader = project.start(**env)
    wait_until(lambda: len(pids(project)) >= 1, 30, what="a tick", details=project.log)
    intruder = lease(sql_jobstore, "intruder")
    with intruder.engine.begin() as connection:  # as if the lease had passed to another
        connection.execute(intruder.table.update().values(holder="intruder"))
    assert leader.wait(timeout=20) == 1
    assert "lost the scheduler leader lease" in project.log()
    ticks = len(pids(project))
    time.sleep(1.5)
    assert len(pids(project)) == ticks


def test_with_jobs_in_memory_replicas_share_a_lease_file_under_data(project: Project) -> None:
    project.write_jobs(PID_JOBS)
    env = {"SCHEDULER_JOBSTORE": "memory", "SCHEDULER_LEADER_TTL_SECONDS": "2"}
    one, two = project.start(**env), project.start(**env)
    wait_until(lambda: len(pids(project)) >= 3, 30, what="three ticks", details=project.log)
    wait_until(lambda: "standing by" in project.log(0) + project.log(1), 30, what="a standby")
    leader = pids(project)[0]
    assert set(pids(project)) == {leader}
    assert (project.root / "data" / "scheduler-leader.db").exists()
    standby = two if leader == one.pid else one
    assert project.stop(one if leader == one.pid else two) == 0
    wait_until(lambda: standby.pid in pids(project), 10, what="the standby leading")
