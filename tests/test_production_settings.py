"""The production settings start only when configured safely, and pass Django's deploy checks.

Each case runs `manage.py check --deploy` in a fresh process with DJANGO_SETTINGS_MODULE set to
the production settings and only the environment a server would have, exactly as an operator
would start the site.
"""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "SECRET_KEY": "q8V#2mX!pL4zR9tY7wE1uI0oP3aS6dF5gH8jK2lZ4xC7vB9nM1_QwErTyUiOp-42",
    "ALLOWED_HOSTS": "fosterhub.example.org,www.fosterhub.example.org",
    "DATABASE_URL": "postgresql://hub:s3cret@db.internal:5432/fostering_hub",
    "WAGTAILADMIN_BASE_URL": "https://fosterhub.example.org",
    "EMAIL_HOST": "smtp.example.org",
    "DEFAULT_FROM_EMAIL": "Foster Hub <hello@fosterhub.example.org>",
    "REDIS_URL": "redis://cache.internal:6379/0",
}
REQUIRED = list(PRODUCTION_ENV)


def run_check(**overrides: str | None) -> subprocess.CompletedProcess:
    """`manage.py check --deploy --fail-level WARNING` with production settings."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key in {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT"}
    }
    env.update(PRODUCTION_ENV, DJANGO_SETTINGS_MODULE="config.settings.production")
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


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
