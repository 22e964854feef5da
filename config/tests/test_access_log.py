"""gunicorn's access log never holds a booking's cancellation token (issue 17).

A real gunicorn, started with config/gunicorn.py as production starts it, in front of a small
stand-in application (the log line is gunicorn's, whatever the application answers): requests
for both forms of cancellation link, the one emails carry now (the token in the query string)
and the one emails carried before (in the path), then the lines in the log file.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from http.client import HTTPConnection
from pathlib import Path

import pytest

from testkit.postgres import free_port
from testkit.production import BASE_DIR

TOKEN = "5f0c2b7de41a4c6f9a7e3d2b1c0f9e8dqR2GqZwkimrV2ZjLXi3EN6CO-TpqHXnFcj5NawEgCk4"
NOW_LINK = f"/events/cancel/?token={TOKEN}"
OLD_LINK = f"/pl/events/cancel/{TOKEN}/"

# Answers like the old link does: a redirect whose Location holds the token.
STAND_IN = f'''
def application(environ, start_response):
    start_response("302 Found", [("Location", "{NOW_LINK}"), ("Content-Length", "0")])
    return [b""]
'''


def serve_and_log(tmp_path: Path, *extra_args: str) -> list[str]:
    """Start gunicorn with the project's config, send the links, stop it: the log's lines."""
    (tmp_path / "stand_in.py").write_text(STAND_IN)
    log = tmp_path / "access.log"
    port = free_port()
    env = {
        **{key: value for key, value in os.environ.items() if key in {"PATH", "HOME", "LANG"}},
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_ACCESS_LOG": str(log),
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "config/gunicorn.py",
            "--pythonpath",
            str(tmp_path),
            *extra_args,
            "stand_in:application",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                HTTPConnection("127.0.0.1", port, timeout=1).connect()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("gunicorn did not start")
                time.sleep(0.05)
        for link in (NOW_LINK, OLD_LINK):
            connection = HTTPConnection("127.0.0.1", port, timeout=10)
            connection.request("GET", link, headers={"Referer": f"https://hub.example{link}"})
            connection.getresponse().read()
        deadline = time.monotonic() + 10
        while len(log.read_text().splitlines()) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        server.terminate()
        server.wait(timeout=20)
    return log.read_text().splitlines()


def test_the_access_log_line_of_a_cancellation_link_holds_no_token(tmp_path):
    lines = serve_and_log(tmp_path)
    assert len(lines) == 2, lines
    now, old = lines
    assert '"GET /events/cancel/" 302' in now, "the path, without the query string"
    assert '"GET /pl/events/cancel/REDACTED/" 302' in old, "the old link's token is masked"
    assert not [line for line in lines if TOKEN in line or TOKEN[:32] in line]


def test_a_fuller_log_format_still_shows_no_token(tmp_path):
    """An operator who logs the request line, query, Referer and Location sees the mask."""
    fuller = "%(r)s q=%(q)s ref=%(f)s to=%({location}o)s uri=%({raw_uri}e)s"
    lines = serve_and_log(tmp_path, "--access-logformat", fuller)
    assert len(lines) == 2, lines
    assert lines[0].startswith("GET /events/cancel/?token=REDACTED HTTP/1.1 q=token=REDACTED")
    assert lines[1].startswith("GET /pl/events/cancel/REDACTED/ HTTP/1.1")
    assert "to=/events/cancel/?token=REDACTED" in lines[1]
    assert not [line for line in lines if TOKEN in line or TOKEN[:32] in line]
