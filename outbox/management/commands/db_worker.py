"""`manage.py db_worker`: django-tasks-db's worker, made to outlive a database outage.

Why: the library's worker exits on the first lost connection (a PostgreSQL restart, a fail-over,
a network blip), and the outbox then waits for a supervisor to start it again. This command has
the same name and options (it is found before the library's, as `outbox` comes first in
INSTALLED_APPS), and the same loop, with one difference: when the database goes away it logs a
warning, waits for the database to come back (retrying every second or so, for as long as it
takes), puts back the task it was running when the connection broke, and carries on.

Putting the task back is safe because every task on our database queues is idempotent: an
outbox delivery takes its message's row lock and sends only a message still waiting
(`outbox.tasks.deliver`), so the worst a broken connection can do is the case the outbox already
names: the mail server accepted a message but the commit that records it was lost, and it is
sent once more.
"""

from __future__ import annotations

import contextlib
import logging
import time

from django.db import InterfaceError, OperationalError, close_old_connections, connections
from django.db.models import Q
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands import db_worker as library
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger("outbox.worker")

# What a lost or refused database connection raises (psycopg's errors, wrapped by Django).
DATABASE_GONE = (OperationalError, InterfaceError)
DATABASE_GONE_PATHS = [f"{error.__module__}.{error.__qualname__}" for error in DATABASE_GONE]
# Seconds between attempts to reach the database again: short first, then every few seconds.
RECONNECT_DELAYS = (0.5, 1, 2, 5)


class OutageTolerantWorker(library.Worker):
    """The library's worker loop, restarted after a lost database connection."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.claimed_task_id = None
        self.outages = 0

    def run(self) -> None:
        while True:
            try:
                return super().run()
            except DATABASE_GONE as error:
                if not self.running:  # asked to stop: stop, whatever the database does
                    return None
                self.outages += 1
                logger.warning(
                    "Worker %s lost the database (%s); waiting for it to come back",
                    self.worker_id,
                    type(error).__name__,
                )
                self.running_task = False
                self.wait_for_database()
                self.put_back_interrupted_task()
                # The restarted loop need not wait a random moment: the herd was the outage.
                self.startup_delay = False

    def run_task(self, db_task_result: DBTaskResult) -> None:
        self.claimed_task_id = db_task_result.pk
        super().run_task(db_task_result)
        # The library records a task that raised as failed, and a lost connection would then
        # leave its message with nothing to send it. If the database was the failure, the task
        # is put back for the next turn of the loop (or after the reconnect, below).
        if db_task_result.exception_class_path in DATABASE_GONE_PATHS:
            self.put_back_interrupted_task()
        self.claimed_task_id = None

    def wait_for_database(self) -> None:
        attempt = 0
        while self.running:
            for connection in connections.all(initialized_only=True):
                with contextlib.suppress(*DATABASE_GONE):
                    connection.close()  # a broken connection is never reused
            time.sleep(RECONNECT_DELAYS[min(attempt, len(RECONNECT_DELAYS) - 1)])
            attempt += 1
            try:
                connections["default"].ensure_connection()
            except DATABASE_GONE:
                continue
            logger.warning("Worker %s reached the database again", self.worker_id)
            close_old_connections()
            return

    def put_back_interrupted_task(self) -> None:
        """The task this worker was running when the connection broke runs again."""
        if self.claimed_task_id is None:
            return
        DBTaskResult.objects.filter(pk=self.claimed_task_id).filter(
            Q(status=TaskResultStatus.RUNNING)
            | Q(status=TaskResultStatus.FAILED, exception_class_path__in=DATABASE_GONE_PATHS)
        ).update(
            status=TaskResultStatus.READY,
            run_after=timezone.now(),
            finished_at=None,
            exception_class_path="",
            traceback="",
        )
        self.claimed_task_id = None


class Command(library.Command):
    help = library.Command.help + " (waits out a database outage instead of exiting)"

    def handle(self, **options) -> None:
        # The library's handle() builds its Worker by that module-level name: ours stands in
        # for the one call, so every option and the reloader behave exactly as documented.
        original = library.Worker
        library.Worker = OutageTolerantWorker
        try:
            super().handle(**options)
        finally:
            library.Worker = original
