"""Project-wide test set-up: a real PostgreSQL, private media files, the journeys last.

The tests live beside their code (`<app>/tests/`), the browser journeys in `journeys/`; what
they share is the test kit (`testkit/`), whose fixtures are registered here for all of them.
"""

from __future__ import annotations

import contextlib
import os

import pytest

from testkit.clients import StaffClient
from testkit.database import MIGRATED_CONTENT

pytest_plugins = ["testkit.fixtures"]


@pytest.fixture(scope="session")
def postgres_server():
    """This test process's own PostgreSQL server, or None when DATABASE_URL names one.

    With DATABASE_URL set (CI, or a developer's own server) the test settings already use it and
    nothing is started. Otherwise each test process (each xdist worker too) starts a throwaway
    server (testkit/postgres.py), so workers never share or race for a server; it is stopped and
    removed at the end of the session even when tests fail.
    """
    if os.environ.get("DATABASE_URL"):
        yield None
        return

    from testkit.postgres import PostgresUnavailable, start_server

    try:
        server = start_server()
    except PostgresUnavailable as error:
        pytest.fail(str(error), pytrace=False)
    try:
        yield server
    finally:
        server.stop()


# --- Serving: a real Redis for the cache, the rate limits and the session cache -----------------


@pytest.fixture(scope="session", autouse=True)
def redis_server():
    """This test process's own Redis server, or None when REDIS_URL names one.

    Like PostgreSQL: with REDIS_URL set, the test settings already use it (each xdist worker in
    its own database number and key prefix). Otherwise each test process starts a throwaway
    `redis-server` (testkit/redis_server.py) and points the caches at it before anything
    uses the cache; it is stopped and removed at the end of the session.
    """
    if os.environ.get("REDIS_URL"):
        yield None
        return

    from django.conf import settings
    from django.core.cache import caches

    from testkit.redis_server import RedisUnavailable, start_server, worker_redis_url

    try:
        server = start_server()
    except RedisUnavailable as error:
        pytest.fail(str(error), pytrace=False)
    try:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
        # Update in place: the cache handler holds this very dict; forget any client made
        # before now (it would point at the placeholder address).
        for alias in ("default", "security"):
            settings.CACHES[alias]["LOCATION"] = worker_redis_url("", worker, port=server.port)
        caches.close_all()
        for alias in list(settings.CACHES):
            with contextlib.suppress(AttributeError):
                del caches[alias]
        yield server
    finally:
        server.stop()


# --- end of the serving block ---------------------------------------------------------------------


@pytest.fixture(scope="session")
def migrated_db_cache(postgres_server):
    """The dump of a migrated database to start from (None: migrate as usual)."""
    if postgres_server is None or os.environ.get("TEST_DB_CACHE") == "0":
        return None
    from django.conf import settings

    from testkit.postgres import MigratedDatabaseCache

    return MigratedDatabaseCache(postgres_server, settings.BASE_DIR / "var" / "test-db-cache")


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix, postgres_server, migrated_db_cache
):
    """Point the default database at our server before pytest-django creates the test database,
    restoring the migrated database from the cache when there is one."""
    if postgres_server is None:
        return
    from django.conf import settings

    # Update in place: Django's connection objects hold this very dict.
    settings.DATABASES["default"].update(postgres_server.settings())
    # A test mirror (the "replica" alias) takes only the database NAME from its primary, so it
    # needs the same server.
    for database in settings.DATABASES.values():
        if database.get("TEST", {}).get("MIRROR") == "default":
            database.update(postgres_server.settings())
    if migrated_db_cache is not None:
        database = settings.DATABASES["default"]
        migrated_db_cache.restore(
            database.get("TEST", {}).get("NAME") or f"test_{database['NAME']}"
        )


@pytest.fixture(scope="session")
def django_db_keepdb(request, postgres_server):
    """Our private server is thrown away afterwards, so keep its database: a restored database
    is then only brought up to date (no migrations to run) instead of being recreated."""
    return postgres_server is not None or bool(request.config.getvalue("reuse_db"))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, migrated_db_cache, django_db_blocker):
    """pytest-django's set-up, then a dump of the freshly migrated database for the next run,
    and the migrated content kept for `serialized_rollback` (testkit/database.py)."""
    from django.db import connections

    if migrated_db_cache is not None:
        migrated_db_cache.save()
    connection = connections["default"]
    with django_db_blocker.unblock():
        MIGRATED_CONTENT["default"] = (
            getattr(connection, "_test_serialized_contents", None)
            or connection.creation.serialize_db_to_string()
        )


@pytest.fixture(autouse=True)
def _serialized_content_on_the_connection(request):
    """Give the current connection the migrated content, for `serialized_rollback` to use."""
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("serialized_rollback") and MIGRATED_CONTENT:
        from django.db import connections

        connections["default"]._test_serialized_contents = MIGRATED_CONTENT["default"]


@pytest.fixture(autouse=True)
def _english_to_start_with():
    """Each test starts in English: a request in Urdu leaves Urdu active in the thread (as a
    real request would, until the next one), and code run outside a request reads it."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_site_roots():
    """Wagtail caches each site's root pages (one per language) in the cache for an hour; a
    test's database starts from the migrated one, so its roots must not come from the last."""
    from wagtail.models import Site

    Site.clear_site_root_paths_cache()


@pytest.fixture(autouse=True)
def _fresh_fragments():
    """The fragment cache (core.fragments) outlives a test's database, which is rolled back
    without a commit (so without the page cache's new generation): each test starts afresh, as
    if content had just changed."""
    from core import fragments

    fragments.changed()


@pytest.fixture(scope="session", autouse=True)
def _private_file_roots(tmp_path_factory):
    """Uploaded images and their renditions go to a temporary directory, not the checkout;
    STATIC_ROOT points at an empty one so WhiteNoise does not warn that var/static is missing
    (tests serve static files from the finders, never from collectstatic's output)."""
    from django.test import override_settings

    with override_settings(
        MEDIA_ROOT=str(tmp_path_factory.mktemp("media")),
        STATIC_ROOT=str(tmp_path_factory.mktemp("static")),
    ):
        yield


def pytest_collection_modifyitems(config, items):
    """Run the browser tests (the journeys) last.

    They load demo content outside a transaction (a live server needs committed data), so they
    must not run before tests that expect the empty database the migrations leave.
    """

    def is_browser_test(item) -> bool:
        return item.get_closest_marker("browser") is not None or item.nodeid.replace(
            os.sep, "/"
        ).startswith("journeys/")

    items.sort(key=is_browser_test)  # stable: everything else keeps its order


# --- Admin accounts (issue 7): signed-in staff count as verified by a real second factor --------
# (testkit/clients.py)


@pytest.fixture
def client():
    """pytest-django's `client`, whose force_login also passes the second step."""
    return StaffClient()
