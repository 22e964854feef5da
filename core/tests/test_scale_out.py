"""Web processes keep no state of their own: what one process counts or stores, every other sees.

The cache (and with it the rate limits and the session cache) is a real Redis server
(testkit/redis_server.py), as in production; media go to S3-compatible storage when configured;
the reports read from the replica when there is one.
"""

from __future__ import annotations

import io
import json
import os
import threading
from contextlib import contextmanager

import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connections
from django.test import RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_ratelimit.core import is_ratelimited

from core.replica import ReportsReplicaRouter, reports_database

pytestmark = pytest.mark.django_db


def test_the_cache_is_a_redis_server_every_process_shares():
    """A value cached here is in Redis, where another web process (another connection) reads it."""
    cache.set("shared-check", {"counted": 3}, 60)
    assert settings.CACHES["default"]["BACKEND"] == "django_redis.cache.RedisCache"
    other_process = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    assert other_process.exists(cache.make_key("shared-check")) == 1
    assert other_process.ttl(cache.make_key("shared-check")) > 0


def test_the_rate_limit_counts_posts_from_every_process_together():
    """Posts counted by two threads (two connections, as two gunicorn workers would have) add up,
    so the limit holds however many web processes serve the site."""
    cache.clear()
    request = RequestFactory().post("/enquire/", REMOTE_ADDR="203.0.113.9")
    seen: list[bool] = []

    def post_once() -> None:
        seen.append(
            is_ratelimited(request, group="scale-out", key="ip", rate="3/h", increment=True)
        )

    for _ in range(4):
        worker = threading.Thread(target=post_once)
        worker.start()
        worker.join()
    assert seen == [False, False, False, True]


# --- The reports read from the read replica --------------------------------------------------------

# The replica is a test mirror of the default database (config/settings/test.py): its own
# connection to the same data, so data must be committed (a transactional test) to be seen there.
replica_test = pytest.mark.django_db(
    transaction=True, serialized_rollback=True, databases=["default", "replica"]
)


def enquiry_queries(connection_queries) -> list[str]:
    return [q["sql"] for q in connection_queries if "enquiry_enquiry" in q["sql"]]


@pytest.fixture
def reported_enquiries(enquiries):
    """The three enquiries of testkit/fixtures.py, committed where the replica can read them."""
    return enquiries


@replica_test
@override_settings(REPORTS_DATABASE="replica")
def test_the_report_pages_read_the_enquiries_from_the_replica(reported_enquiries, people, client):
    client.force_login(people["marketing"])
    with (
        CaptureQueriesContext(connections["replica"]) as replica,
        CaptureQueriesContext(connections["default"]) as primary,
    ):
        response = client.get(reverse("attribution_report_regional_and_local"), {"by": "council"})
    assert response.status_code == 200
    assert "Derby City Council" in response.content.decode()
    assert enquiry_queries(replica.captured_queries)
    # The login, the filter form's choices and the menu still come from the primary; the
    # enquiries are counted only on the replica.
    assert not enquiry_queries(primary.captured_queries)


@replica_test
@override_settings(REPORTS_DATABASE="replica")
def test_the_report_command_reads_from_the_replica(reported_enquiries):
    out = io.StringIO()
    with (
        CaptureQueriesContext(connections["replica"]) as replica,
        CaptureQueriesContext(connections["default"]) as primary,
    ):
        call_command("attribution_report", "--by", "council", "--format", "json", stdout=out)
    assert json.loads(out.getvalue())["rows"]
    assert enquiry_queries(replica.captured_queries)
    assert not enquiry_queries(primary.captured_queries)


@replica_test
def test_without_a_replica_the_reports_and_everything_else_read_the_primary(
    reported_enquiries, people, client
):
    """REPORTS_DATABASE is the primary unless production configures DATABASE_REPLICA_URL."""
    client.force_login(people["marketing"])
    with CaptureQueriesContext(connections["replica"]) as replica:
        response = client.get(reverse("attribution_report_regional_and_local"), {"by": "council"})
        client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    assert replica.captured_queries == []


def test_writes_and_other_reads_never_go_to_the_replica():
    """Inside a report only reads move; a save made there (none is) would still go to the
    primary, and the replica is never migrated (it copies the primary)."""
    from councils.models import Council

    router = ReportsReplicaRouter()
    with override_settings(REPORTS_DATABASE="replica"), reports_database():
        assert router.db_for_read(Council) == "replica"
        assert router.db_for_write(Council) is None
    assert router.db_for_read(Council) is None
    assert router.allow_migrate("replica", "councils") is False
    assert router.allow_migrate("default", "councils") is None


# --- Media on S3-compatible object storage -------------------------------------------------------


@pytest.fixture(scope="module")
def object_store():
    """A local S3-compatible server (moto's, over HTTP on 127.0.0.1) with an empty bucket, and
    the environment production would be given for it."""
    import boto3
    from moto.server import ThreadedMotoServer

    from testkit.postgres import free_port

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    environ = {
        "AWS_STORAGE_BUCKET_NAME": "hub-media",
        "AWS_S3_ENDPOINT_URL": f"http://127.0.0.1:{port}",
        "AWS_S3_REGION_NAME": "eu-west-2",
        "AWS_S3_CUSTOM_DOMAIN": "media.fosterhub.example.org",
        "AWS_ACCESS_KEY_ID": "hub-test-key",
        "AWS_SECRET_ACCESS_KEY": "hub-test-secret",
    }
    client = boto3.client(
        "s3",
        endpoint_url=environ["AWS_S3_ENDPOINT_URL"],
        region_name="eu-west-2",
        aws_access_key_id=environ["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=environ["AWS_SECRET_ACCESS_KEY"],
    )
    client.create_bucket(
        Bucket="hub-media", CreateBucketConfiguration={"LocationConstraint": "eu-west-2"}
    )
    try:
        yield environ, client
    finally:
        server.stop()


def stored_keys(client) -> set[str]:
    listing = client.list_objects_v2(Bucket="hub-media")
    return {item["Key"] for item in listing.get("Contents", [])}


def test_uploaded_images_and_renditions_go_to_the_bucket_for_every_server(object_store):
    """With AWS_STORAGE_BUCKET_NAME set, an editor's upload and its renditions are in the
    bucket (any web server can serve them) at plain CDN-cacheable URLs on the media domain."""
    from wagtail.images.tests.utils import get_test_image_file

    from config.media_storage import object_storage

    environ, client = object_store
    storages = {**settings.STORAGES, "default": object_storage(environ)}
    with override_settings(STORAGES=storages), mock_environ(environ):
        from wagtail.images import get_image_model

        image = get_image_model().objects.create(
            title="Carers at the park", file=get_test_image_file(filename="park.png")
        )
        rendition = image.get_rendition("width-200|format-webp")
        again = get_image_model().objects.create(
            title="Another park", file=get_test_image_file(filename="park.png")
        )
        url = rendition.url
    keys = stored_keys(client)
    assert image.file.name in keys
    assert rendition.file.name in keys
    assert again.file.name in keys and again.file.name != image.file.name  # never overwritten
    assert url == f"https://media.fosterhub.example.org/{rendition.file.name}"  # no signature
    head = client.head_object(Bucket="hub-media", Key=rendition.file.name)
    assert head["CacheControl"] == "public, max-age=86400"


@contextmanager
def mock_environ(environ: dict[str, str]):
    """boto3 reads the access key from the environment, as on a server."""
    saved = {name: os.environ.get(name) for name in environ}
    os.environ.update(environ)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
