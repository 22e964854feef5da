"""Web processes keep no state of their own: what one process counts or stores, every other sees.

The cache (and with it the rate limits and the session cache) is a real Redis server
(tests/redis_server.py), as in production; media go to S3-compatible storage when configured;
the reports read from the replica when there is one.
"""

from __future__ import annotations

import threading

import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from django.test import RequestFactory
from django_ratelimit.core import is_ratelimited

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
