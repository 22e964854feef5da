"""The attribution reports read from a PostgreSQL read replica when one is configured.

Why: a report aggregates most of the enquiries table (about half a second at a million rows).
Run on the primary during a campaign spike, a marketing lead refreshing reports competes with
the people enquiring; on a streaming replica it cannot slow them down. Everything else, the
enquiry admin included, reads the primary, so staff always see what they just saved; reports
count cohorts over months, so a replica a few seconds behind changes nothing.

How: `DATABASE_REPLICA_URL` in production adds a "replica" alias and sets REPORTS_DATABASE to it.
Code that runs a report does so inside `with reports_database():`, and `ReportsReplicaRouter`
sends the reads made there to REPORTS_DATABASE. Writes always go to the primary, and the replica
is never migrated (it copies the primary).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

REPLICA = "replica"
_reading_reports: ContextVar[bool] = ContextVar("reading_reports", default=False)


@contextmanager
def reports_database() -> Iterator[None]:
    """Reads inside this block go to the reports' database (the replica when configured)."""
    token = _reading_reports.set(True)
    try:
        yield
    finally:
        _reading_reports.reset(token)


class ReportsReplicaRouter:
    """Route the reports' reads to REPORTS_DATABASE; leave every other query to the primary."""

    def db_for_read(self, model, **hints) -> str | None:
        if _reading_reports.get():
            alias = getattr(settings, "REPORTS_DATABASE", "default")
            return alias if alias in settings.DATABASES else None
        return None

    def db_for_write(self, model, **hints) -> str | None:
        return None

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        # The replica holds the same rows as the primary: objects read from either relate.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool | None:
        return False if db == REPLICA else None
