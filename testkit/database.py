"""The test database: what the migrations created, restored after a transactional test."""

from __future__ import annotations

import pytest

# A test that commits (a live server, real threads, the worker): its own transactions, and what
# the migrations created (Wagtail's root page, the default site) put back afterwards.
transactional = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# What the migrations created (Wagtail's root page, the default site and home page), serialised
# once per session by the root conftest.py's `django_db_setup`. Tests marked `transaction=True,
# serialized_rollback=True` restore it after an earlier transactional test flushed the tables,
# and so do the journeys before they load the demo. (Django keeps it on the connection object,
# which is not always the one a later test gets, and then skips the restore silently; keeping it
# here makes the restore dependable.)
MIGRATED_CONTENT: dict[str, str] = {}


def restore_migrated_content() -> None:
    """Put back what the migrations created, if an earlier transactional test flushed it."""
    from django.db import connections
    from wagtail.models import Site

    if not Site.objects.filter(is_default_site=True).exists():
        connections["default"].creation.deserialize_db_from_string(MIGRATED_CONTENT["default"])
