"""Fast, deterministic test settings on a real PostgreSQL.

The test harness (tests/postgres.py) starts a throwaway PostgreSQL server from the machine's
binaries, or uses DATABASE_URL when it is set, and fills in HOST/PORT/USER at session start.
"""

import os

import dj_database_url

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
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "CRITICAL"}}
# Tests run in one process, so the in-memory cache is shared by everything that counts posts.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]
# Spam checks are exercised by their own tests, which set these back.
ENQUIRY_MIN_FILL_SECONDS = 0
# Webhook tests post to a receiver on 127.0.0.1; one test switches this back off.
OUTBOX_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True

# Admin accounts (issue 7): login failures count in the in-memory cache of this one process.
SILENCED_SYSTEM_CHECKS += ["axes.W001"]
