"""Background work: a queue in the database (SQLite or PostgreSQL), so nothing else must be installed.

    models     `Job`: one row per piece of work, with its attempts, its lease and its last error
    registry   `@task("name")`: the functions workers may run; `every=` makes one periodic
    services   `enqueue` (in the caller's transaction), `claim`, `heartbeat`, `complete`, `fail`
    worker     `Worker`: claims, runs under a lease kept alive by a heartbeat, retries with back-off

Why not django-tasks-db (installed before): it claims with `select_for_update(skip_locked=True)` and marks the
task running with no lease or heartbeat, so a worker killed with `kill -9` strands its task forever, and a failed
task is never retried. Here a claim is a lease: a worker that stops heartbeating loses its jobs to the next
worker, which runs them again (tasks are written to be idempotent), and a failure is retried with capped
exponential back-off before the job is marked failed for an administrator to see and retry.
"""
