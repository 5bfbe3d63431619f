"""The jobs on the PostgreSQL-backed queue (procrastinate): the task list and its schedules
(`tasks`), the queue's connection (`queue`), the worker (`worker`), and the jobs that belong to no
feature's notifications: the embedding backfill (`backfill`) and the pledges' reconciliation
(`reconcile`). docs/notifications.md explains how to run them."""
