"""Laptop settings: SQLite (or DATABASE_URL), debug on, mail printed to the console."""

import os

import dj_database_url

from .base import *  # noqa: F403

DEBUG = True
SECRET_KEY = "dev-only-not-secret"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
INTERNAL_IPS = ["127.0.0.1"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
SERVE_MEDIA = True
DEMO_CONTENT_ALLOWED = True
WAGTAILADMIN_BASE_URL = f"http://127.0.0.1:{os.environ.get('PORT', '8000')}"
# A council webhook may go to a receiver on this laptop, over plain http.
WEBHOOK_HTTPS_ONLY = False
WEBHOOK_ALLOWED_PRIVATE_NETWORKS = ["127.0.0.0/8", "::1/128"]

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.config(conn_max_age=60)}

# One runserver process: the in-memory cache is shared by everything that counts form posts.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

# Admin accounts (issue 7): login failures count in the in-memory cache of this one process.
SILENCED_SYSTEM_CHECKS += ["axes.W001"]
