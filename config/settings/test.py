"""Fast, deterministic test settings on a real PostgreSQL.

The test harness (testkit/postgres.py) starts a throwaway PostgreSQL server from the machine's
binaries, or uses DATABASE_URL when it is set, and fills in HOST/PORT/USER at session start.
"""

import os

import dj_database_url

from testkit.redis_server import worker_redis_url

from .base import *  # noqa: F403
from .base import BASE_DIR

DEBUG = False
SECRET_KEY = "test-only-not-secret"
ALLOWED_HOSTS = ["*"]

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.config()}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": "fostering_hub",
            "USER": "postgres",
            "HOST": "127.0.0.1",
            "PORT": "5432",
        }
    }

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SERVE_MEDIA = True
DEMO_CONTENT_ALLOWED = True
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
WAGTAILADMIN_BASE_URL = "http://testserver"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "CRITICAL"}}

# --- Serving: the cache is Redis, as in production (django-redis) ------------------------------
# The harness (testkit/redis_server.py) starts a private redis-server per test process and fills in
# LOCATION at session start, or REDIS_URL names a server. Each pytest-xdist worker gets its own
# key prefix and, on a shared REDIS_URL server, its own database number, so one worker's
# cache.clear() (FLUSHDB) never empties another's. Unlike production, errors are raised: a test
# must not pass because Redis silently did nothing.
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": worker_redis_url(os.environ.get("REDIS_URL", ""), _XDIST_WORKER),
        "KEY_PREFIX": f"test-{_XDIST_WORKER}",
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 2, "SOCKET_TIMEOUT": 5},
    }
}
# The security counters in the same test Redis under their own prefix (production: their own
# Redis that never evicts; home/tests/test_page_cache.py proves a full page cache leaves them be).
CACHES["security"] = {**CACHES["default"], "KEY_PREFIX": f"test-security-{_XDIST_WORKER}"}
# A "replica" alias that is a test mirror of the default database (the same test database, its
# own connection): core/tests/test_scale_out.py sets REPORTS_DATABASE to it and proves the reports
# read through it. Every other test reads the primary, as production does without a replica.
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
# --- end of the serving block ------------------------------------------------------------------
# Spam checks are exercised by their own tests, which set these back.
ENQUIRY_MIN_FILL_SECONDS = 0
# Webhook tests post to a receiver on 127.0.0.1 (loopback only; some tests take it away).
# https stays required on save, as in production.
WEBHOOK_ALLOWED_PRIVATE_NETWORKS = ["127.0.0.0/8", "::1/128"]
