"""Production settings for the benchmark, with safe throwaway values for what production requires.

`bench/enquiry_load.py` sets DATABASE_URL (its own PostgreSQL), EMAIL_PORT (its own SMTP port)
and STATIC_ROOT before starting the web and worker processes with these settings. Everything
else is `config.settings.production` as it is, apart from the overrides at the end:

- no Redis on the machine (BENCH_REDIS_URL unset): the cache is the per-process in-memory one.
  django-ratelimit then counts each gunicorn worker separately, which does not matter here
  because the rate limit is set far out of reach (all posts come from one address);
- the spam checks' rate limit and minimum fill time are lifted for the same reason.
"""

import os

BENCH_HOST = "bench.localhost"
_defaults = {
    # A fixed value (>= 50 characters) so every process signs and checks form tokens alike.
    "SECRET_KEY": "bench-only-7Qm2vX9pL4rT8yW1zK6nB3hF5jD0sG2aC7eU9iO4",
    "ALLOWED_HOSTS": BENCH_HOST,
    "WAGTAILADMIN_BASE_URL": f"https://{BENCH_HOST}",
    "EMAIL_HOST": "127.0.0.1",
    "EMAIL_PORT": "2525",
    "EMAIL_USE_TLS": "false",
    "DEFAULT_FROM_EMAIL": f"hub@{BENCH_HOST}",
    "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0"),
}
for _name, _value in _defaults.items():
    os.environ.setdefault(_name, _value)

from config.settings.production import *  # noqa: E402, F403

DEBUG = False
EMAIL_TIMEOUT = 5
ENQUIRY_RATE_LIMIT = "1000000/h"
ENQUIRY_MIN_FILL_SECONDS = 0

if not os.environ.get("BENCH_REDIS_URL"):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "security": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

# bench/stack.py: the demo loader runs in its own process with BENCH_LOAD_DEMO=1 (it refuses
# production settings otherwise); gunicorn and the worker never allow it. With no web server in
# front, gunicorn serves the uploaded media itself, so the pages' images load.
DEMO_CONTENT_ALLOWED = os.environ.get("BENCH_LOAD_DEMO") == "1"
SERVE_MEDIA = True
# bench/pages.py counts third-party requests with an analytics service configured.
if os.environ.get("GOOGLE_ANALYTICS_GTAG_PROPERTY_ID"):
    GOOGLE_ANALYTICS_GTAG_PROPERTY_ID = os.environ["GOOGLE_ANALYTICS_GTAG_PROPERTY_ID"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
