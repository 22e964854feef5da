"""The production settings start only when configured safely, and pass Django's deploy checks.

Each case runs `manage.py check --deploy` in a fresh process with DJANGO_SETTINGS_MODULE set to
the production settings and only the environment a server would have, exactly as an operator
would start the site.
"""

from __future__ import annotations

import json
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest

from testkit.production import PRODUCTION_ENV, run_check

REQUIRED = list(PRODUCTION_ENV)


def test_configured_production_passes_the_deploy_checks():
    result = run_check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stderr.upper() + result.stdout.upper()


UNSAFE = {"missing " + name: ({name: None}, name) for name in REQUIRED} | {
    "blank SECRET_KEY": ({"SECRET_KEY": "   "}, "SECRET_KEY"),
    "short SECRET_KEY": ({"SECRET_KEY": "too-short-to-be-safe"}, "SECRET_KEY"),
    "development SECRET_KEY": ({"SECRET_KEY": "django-insecure-" + "x" * 50}, "SECRET_KEY"),
    "http admin address": (
        {"WAGTAILADMIN_BASE_URL": "http://fosterhub.example.org"},
        "WAGTAILADMIN_BASE_URL",
    ),
    "SQLite database": ({"DATABASE_URL": "sqlite:////srv/hub/db.sqlite3"}, "DATABASE_URL"),
    # Serving and scale-out: half-configured object storage, replica or pool.
    "object storage without a bucket": (
        {"AWS_S3_ENDPOINT_URL": "https://s3.example.org", "AWS_S3_CUSTOM_DOMAIN": "media.example"},
        "AWS_STORAGE_BUCKET_NAME",
    ),
    "object storage key without its secret": (
        {"AWS_STORAGE_BUCKET_NAME": "hub-media", "AWS_ACCESS_KEY_ID": "AKIAEXAMPLE"},
        "AWS_SECRET_ACCESS_KEY",
    ),
    "plain-http object storage elsewhere": (
        {"AWS_STORAGE_BUCKET_NAME": "hub-media", "AWS_S3_ENDPOINT_URL": "http://s3.example.org"},
        "AWS_S3_ENDPOINT_URL",
    ),
    "media domain with a scheme": (
        {"AWS_STORAGE_BUCKET_NAME": "hub-media", "AWS_S3_CUSTOM_DOMAIN": "https://media.example"},
        "AWS_S3_CUSTOM_DOMAIN",
    ),
    "SQLite replica": (
        {"DATABASE_REPLICA_URL": "sqlite:////srv/hub/replica.sqlite3"},
        "DATABASE_REPLICA_URL",
    ),
    "pool size not a number": ({"DATABASE_POOL_MAX_SIZE": "four"}, "DATABASE_POOL_MAX_SIZE"),
    # Admin sessions (issue 17): limits the sign-in page can put in words, idle within lifetime.
    "idle limit not a number": (
        {"ADMIN_SESSION_IDLE_SECONDS": "half an hour"},
        "ADMIN_SESSION_IDLE_SECONDS",
    ),
    "idle limit not whole minutes": (
        {"ADMIN_SESSION_IDLE_SECONDS": "1000"},
        "ADMIN_SESSION_IDLE_SECONDS",
    ),
    "session lifetime of two weeks": (
        {"ADMIN_SESSION_MAX_AGE_SECONDS": str(14 * 24 * 60 * 60)},
        "ADMIN_SESSION_MAX_AGE_SECONDS",
    ),
    "idle limit past the lifetime": (
        {"ADMIN_SESSION_IDLE_SECONDS": "7200", "ADMIN_SESSION_MAX_AGE_SECONDS": "3600"},
        "ADMIN_SESSION_IDLE_SECONDS",
    ),
}


@pytest.fixture(scope="module")
def refusals() -> dict[str, subprocess.CompletedProcess]:
    """Run every unsafe configuration at once (each is a separate process)."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = pool.map(lambda case: run_check(**case[0]), UNSAFE.values())
        return dict(zip(UNSAFE, results, strict=True))


@pytest.mark.parametrize("case", list(UNSAFE))
def test_unsafe_configuration_refuses_to_start(case, refusals):
    result = refusals[case]
    variable = UNSAFE[case][1]
    assert result.returncode != 0
    error_lines = [line for line in result.stderr.splitlines() if "ImproperlyConfigured" in line]
    assert error_lines, result.stderr[-2000:]
    assert variable in error_lines[-1], error_lines[-1]


# --- Serving and scale-out -------------------------------------------------------------------------

SCALED_OUT = {
    "DATABASE_REPLICA_URL": "postgresql://reports:s3cret@replica.internal:5432/fostering_hub",
    "AWS_STORAGE_BUCKET_NAME": "hub-media",
    "AWS_S3_ENDPOINT_URL": "https://s3.eu-west-2.example.org",
    "AWS_S3_REGION_NAME": "eu-west-2",
    "AWS_S3_CUSTOM_DOMAIN": "media.fosterhub.example.org",
    "AWS_ACCESS_KEY_ID": "AKIAEXAMPLE",
    "AWS_SECRET_ACCESS_KEY": "example-secret",
}
SHOW_SERVING = """
import json
from django.conf import settings
print(json.dumps({
    "databases": {alias: {"pool": db["OPTIONS"].get("pool"), "max_age": db["CONN_MAX_AGE"],
                          "health": db["CONN_HEALTH_CHECKS"], "host": db["HOST"],
                          "cursors": db["DISABLE_SERVER_SIDE_CURSORS"]}
                  for alias, db in settings.DATABASES.items()},
    "reports": settings.REPORTS_DATABASE,
    "media": settings.STORAGES["default"],
    "static": settings.STORAGES["staticfiles"]["BACKEND"],
    "sessions": [settings.SESSION_ENGINE, settings.CACHES["default"]["BACKEND"]],
    "admin_sessions": [settings.ADMIN_SESSION_IDLE_SECONDS, settings.ADMIN_SESSION_MAX_AGE_SECONDS],
}))
"""


def serving_settings(**overrides: str | None) -> dict:
    result = run_check("shell", "-c", SHOW_SERVING, **overrides)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_scaled_out_configuration_passes_the_deploy_checks():
    result = run_check(**SCALED_OUT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr.upper() + result.stdout.upper()


def test_one_server_keeps_media_on_disk_pools_connections_and_shares_sessions():
    shown = serving_settings()
    assert list(shown["databases"]) == ["default"]
    assert shown["databases"]["default"]["pool"]["max_size"] == 4
    assert shown["databases"]["default"]["max_age"] == 0  # the pool keeps the connections
    assert shown["databases"]["default"]["health"] is True
    assert shown["reports"] == "default"
    assert shown["media"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert shown["static"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert shown["sessions"] == [
        "django.contrib.sessions.backends.cached_db",
        "django_redis.cache.RedisCache",
    ]


def test_several_servers_use_object_storage_and_the_reports_replica():
    shown = serving_settings(**SCALED_OUT)
    assert shown["databases"]["replica"]["host"] == "replica.internal"
    assert shown["databases"]["replica"]["pool"]["max_size"] == 4
    assert shown["reports"] == "replica"
    media = shown["media"]
    assert media["BACKEND"] == "storages.backends.s3.S3Storage"
    assert media["OPTIONS"]["bucket_name"] == "hub-media"
    assert media["OPTIONS"]["custom_domain"] == "media.fosterhub.example.org"
    assert media["OPTIONS"]["querystring_auth"] is False


def test_behind_pgbouncer_the_pool_is_off_and_server_side_cursors_too():
    shown = serving_settings(DATABASE_POOL_MAX_SIZE="0", DATABASE_PGBOUNCER="true")
    assert shown["databases"]["default"]["pool"] is None
    assert shown["databases"]["default"]["max_age"] == 60
    assert shown["databases"]["default"]["cursors"] is True


def test_admin_sessions_last_30_minutes_idle_and_12_hours_unless_the_operator_says():
    assert serving_settings()["admin_sessions"] == [30 * 60, 12 * 60 * 60]
    chosen = serving_settings(
        ADMIN_SESSION_IDLE_SECONDS="900", ADMIN_SESSION_MAX_AGE_SECONDS="28800"
    )
    assert chosen["admin_sessions"] == [900, 8 * 60 * 60]
