"""Production settings: everything secret or site-specific comes from the environment.

Importing this module raises ImproperlyConfigured when a required variable is missing or
unsafe, so a misconfigured server refuses to start rather than running insecurely.
"""

import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.frontend_cache import frontend_cache_from_env
from config.media_storage import object_storage

from .base import *  # noqa: F403


def require_env(name: str) -> str:
    """Return an environment variable, refusing to start without it."""
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"Set the {name} environment variable (see README).")
    return value


DEBUG = False

SECRET_KEY = require_env("SECRET_KEY")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith(("dev-", "test-", "django-insecure")):
    raise ImproperlyConfigured("SECRET_KEY must be a random value of at least 50 characters.")

ALLOWED_HOSTS = [h.strip() for h in require_env("ALLOWED_HOSTS").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [f"https://{h.lstrip('.')}" for h in ALLOWED_HOSTS]

# DATABASES (PostgreSQL, pooled, and the reports' replica): in the serving block at the end.

# A shared cache (Redis): rate limits must count posts across every web process. If Redis is
# down, the site carries on uncached (errors are logged, not raised) and the rate limit lets posts
# through (RATELIMIT_FAIL_OPEN): an outage must never turn an enquiry away.
# The security counters (rate limits, sign-in failures) have a cache of their own, which should
# be a Redis that never evicts (SECURITY_REDIS_URL; docs/deployment.md): the page cache's entries
# in the default one must never push a count out. Without it they share REDIS_URL.
_REDIS_OPTIONS = {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1}
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": require_env("REDIS_URL"),
        "OPTIONS": _REDIS_OPTIONS,
    },
    "security": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": os.environ.get("SECURITY_REDIS_URL", "").strip() or require_env("REDIS_URL"),
        "KEY_PREFIX": "security",
        "OPTIONS": _REDIS_OPTIONS,
    },
}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True

WAGTAILADMIN_BASE_URL = require_env("WAGTAILADMIN_BASE_URL")
if not WAGTAILADMIN_BASE_URL.startswith("https://"):
    raise ImproperlyConfigured("WAGTAILADMIN_BASE_URL must be an https:// address.")

# Mail: an SMTP relay (the council's, or a transactional provider).
EMAIL_HOST = require_env("EMAIL_HOST")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "true").lower() == "true"
DEFAULT_FROM_EMAIL = require_env("DEFAULT_FROM_EMAIL")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

MEDIA_ROOT = os.environ.get("MEDIA_ROOT", str(MEDIA_ROOT))  # noqa: F405
STATIC_ROOT = os.environ.get("STATIC_ROOT", str(STATIC_ROOT))  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# How many proxies (TLS terminator, load balancer, CDN) append to X-Forwarded-For in front of
# gunicorn: the rate limit reads the client address from there. 0 when gunicorn faces the internet.
try:
    TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "1"))
except ValueError as error:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be a whole number.") from error

# HTTPS everywhere; the TLS terminator sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

# --- Serving and scale-out (see docs/deployment.md) ---------------------------------------------


def env_int(name: str, default: int) -> int:
    """A whole number from the environment, refusing to start on anything else."""
    value = os.environ.get(name, "").strip()
    try:
        return int(value) if value else default
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be a whole number.") from error


# Database connections: Django's own psycopg pool in each process (psycopg[pool]). A sync gunicorn
# worker serves one request at a time, so it takes one connection from its pool per request and
# gives it back; the pool opens connections ahead of need, replaces broken ones (health checks)
# and caps what a process can open, so WEB_CONCURRENCY x DATABASE_POOL_MAX_SIZE (plus the
# worker's) bounds the connections PostgreSQL sees. DATABASE_POOL_MAX_SIZE=0 turns the pool off
# and keeps persistent connections instead: use that behind PgBouncer (transaction pooling, for
# many web servers sharing one PostgreSQL), with DATABASE_PGBOUNCER=true.
DATABASE_POOL_MAX_SIZE = env_int("DATABASE_POOL_MAX_SIZE", 4)
DATABASE_PGBOUNCER = os.environ.get("DATABASE_PGBOUNCER", "").lower() == "true"


def postgresql_database(variable: str) -> dict:
    """One PostgreSQL alias from a URL variable, pooled (or persistent) and health-checked."""
    database = dj_database_url.parse(require_env(variable))
    if database["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured(f"{variable} must point at PostgreSQL in production.")
    database["CONN_HEALTH_CHECKS"] = True
    if DATABASE_POOL_MAX_SIZE > 0:
        database["CONN_MAX_AGE"] = 0  # the pool keeps the connections
        database.setdefault("OPTIONS", {})["pool"] = {
            "min_size": 1,
            "max_size": DATABASE_POOL_MAX_SIZE,
            "timeout": 10,  # seconds a request waits for a connection before an error
            "max_idle": 300,
        }
    else:
        database["CONN_MAX_AGE"] = 60
    # PgBouncer in transaction mode cannot keep a server-side cursor across transactions.
    database["DISABLE_SERVER_SIDE_CURSORS"] = DATABASE_PGBOUNCER
    return database


DATABASES = {"default": postgresql_database("DATABASE_URL")}
# A streaming read replica for the attribution reports (config/replica.py).
if os.environ.get("DATABASE_REPLICA_URL", "").strip():
    DATABASES["replica"] = postgresql_database("DATABASE_REPLICA_URL")
    REPORTS_DATABASE = "replica"

# Static files: whitenoise serves collectstatic's hashed, gzip- and brotli-compressed copies
# (CompressedManifestStaticFilesStorage; brotli through whitenoise[brotli]). A file whose name
# carries its hash is sent with "max-age=315360000, public, immutable" (whitenoise does that for
# the manifest's files); anything else (e.g. /static/ without a hash) for WHITENOISE_MAX_AGE.
WHITENOISE_MAX_AGE = 60 * 60
# A CDN in front may serve /static/ from its own domain (STATIC_URL=https://cdn.example/static/).
STATIC_URL = os.environ.get("STATIC_URL", STATIC_URL)  # noqa: F405

# Media (uploaded images, their renditions, documents): on the server's disk by default, or on
# S3-compatible object storage through django-storages when AWS_STORAGE_BUCKET_NAME is set (what
# several web servers need). config/media_storage.py refuses a half-configured one.
_object_storage = object_storage(os.environ)
if _object_storage is not None:
    STORAGES["default"] = _object_storage
# --- end of the serving block -------------------------------------------------------------------

# The page cache (home/page_cache.py): anonymous visitors' pages live in Redis this long, and
# are purged whenever content changes. A CDN in front (FRONTEND_CACHE, see
# docs/deployment.md) is purged through Wagtail's frontend cache with the same rule.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300)
WAGTAILFRONTENDCACHE = frontend_cache_from_env(os.environ)

# ---- Security headers (issue 7): everything a page loads comes over https ----
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {**CONTENT_SECURITY_POLICY["DIRECTIVES"], "upgrade-insecure-requests": True}  # noqa: F405
}
ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        **ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"],  # noqa: F405
        "upgrade-insecure-requests": True,
    }
}

# ---- Admin sessions (issue 17): signed out after so long idle, and so long after signing in ----


def session_limit(name: str, default: int) -> int:
    """A limit in seconds, a whole number of minutes (the sign-in page says "after 30 minutes
    without activity") and at most a day."""
    seconds = env_int(name, default)
    if seconds < 60 or seconds % 60 or seconds > 24 * 60 * 60:
        raise ImproperlyConfigured(
            f"{name} must be a whole number of minutes in seconds, from 60 to 86400."
        )
    return seconds


# The defaults are base.py's (30 minutes, 12 hours).
ADMIN_SESSION_IDLE_SECONDS = session_limit(
    "ADMIN_SESSION_IDLE_SECONDS",
    ADMIN_SESSION_IDLE_SECONDS,  # noqa: F405
)
ADMIN_SESSION_MAX_AGE_SECONDS = session_limit(
    "ADMIN_SESSION_MAX_AGE_SECONDS",
    ADMIN_SESSION_MAX_AGE_SECONDS,  # noqa: F405
)
if ADMIN_SESSION_IDLE_SECONDS > ADMIN_SESSION_MAX_AGE_SECONDS:
    raise ImproperlyConfigured(
        "ADMIN_SESSION_IDLE_SECONDS must not be longer than ADMIN_SESSION_MAX_AGE_SECONDS."
    )
