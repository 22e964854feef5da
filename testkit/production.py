"""The production settings as an operator starts them: a fresh process with only the
environment a server would have."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

# The checkout, where manage.py is.
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
DEPLOY_CHECK = ("check", "--deploy", "--fail-level", "WARNING")


def run_check(*command: str, **overrides: str | None) -> subprocess.CompletedProcess:
    """`manage.py check --deploy --fail-level WARNING` (or another command) with production
    settings."""
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
        [sys.executable, "manage.py", *(command or DEPLOY_CHECK)],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
