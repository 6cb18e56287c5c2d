"""For aegis-database's migrations: tables this package creates itself at run time.

APScheduler creates its job table when the scheduler starts, the heartbeat table is created
on first beat and the leader lease table on first election, so none needs `<slug> db upgrade`;
listing them here keeps the project's `--autogenerate` from proposing to drop them.
"""

RUNTIME_TABLES = ("apscheduler_jobs", "aegis_scheduler_heartbeat", "aegis_scheduler_leader")
