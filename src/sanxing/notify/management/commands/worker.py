"""sanxing worker — the background worker (django-tasks on the database)."""

from __future__ import annotations

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand


class Command(DbWorkerCommand):
    help = (
        "Run the background worker: takes queued tasks (notice e-mails and text messages, "
        "…) from the database and runs them, claiming each row with SKIP LOCKED so several "
        "workers on several machines never run a task twice. Same options as django-tasks-db's "
        "db_worker: --batch (run what is queued, then exit: for cron or tests), --max-tasks N, "
        "--interval SECONDS (poll interval when idle), --queue-name a,b or '*', --no-reload "
        "(reloading is on when DEBUG). Run one per CPU under systemd; stop with SIGTERM, "
        "which lets the running task finish."
    )
