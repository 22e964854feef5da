"""The front door (nginx, configured by home/front_door.py) holds pages as the page cache does,
lets through what must reach the site, and is refreshed, not emptied, when content changes.

A real nginx (Debian's) in front of the test's live server, with the config `make serve-prod`
uses; the worker's purge goes through Wagtail's frontend cache to nginx's purge port, as in
production.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from http.client import HTTPConnection
from io import StringIO
from pathlib import Path

import pytest
from django.core import signing
from django.core.cache import cache
from django.core.management import call_command

from attribution import capture
from core.tests.factories import rich_text, stream
from events import emails
from events.services import BookingDetails, book
from events.tests.factories import EventPageFactory
from home import front_door
from home.tests.factories import StandardPageFactory
from testkit.outbox import run_worker
from testkit.postgres import free_port

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


class Nginx:
    def __init__(self, directory: Path, upstream: str) -> None:
        if not Path(NGINX).exists():
            pytest.fail("nginx is needed for the front door tests: apt-get install nginx")
        self.port, self.purge_port, self.refresh_port = free_port(), free_port(), free_port()
        self.cache = directory / "cache"
        self.access_log = directory / "access.log"
        conf = directory / "nginx.conf"
        conf.write_text(
            front_door.standalone_front_door(
                str(directory),
                listen=f"127.0.0.1:{self.port}",
                server_name="localhost",
                upstream=upstream,
                purge_listen=f"127.0.0.1:{self.purge_port}",
                refresh_listen=f"127.0.0.1:{self.refresh_port}",
                access_log=str(self.access_log),
            )
        )
        self.process = subprocess.Popen(
            [NGINX, "-c", str(conf), "-e", str(directory / "error.log")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                HTTPConnection("127.0.0.1", self.port, timeout=1).connect()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError((directory / "error.log").read_text())

    def get(self, path: str, **headers: str):
        connection = HTTPConnection("127.0.0.1", self.port, timeout=10)
        connection.request("GET", path, headers={"Host": f"localhost:{self.port}", **headers})
        response = connection.getresponse()
        return response, response.read().decode()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def nginx(live_server, settings, tmp_path, home):
    site = home.get_site()
    site.hostname, site.port = "localhost", 80  # the address visitors (and purges) use
    site.save()
    settings.PAGE_CACHE_SECONDS = 300
    server = Nginx(tmp_path, live_server.url)
    settings.WAGTAILFRONTENDCACHE = {
        "front-door": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": f"http://127.0.0.1:{server.purge_port}",
        }
    }
    cache.clear()
    yield server
    server.stop()
    cache.clear()


@pytest.fixture
def page(home):
    return StandardPageFactory(
        parent=home, title="Support for carers", body=stream(rich_text("<p>Monthly groups.</p>"))
    )


def status(response) -> str:
    return response.getheader("X-Front-Door-Cache")


def test_nginx_holds_the_page_and_ignores_what_no_page_reads(nginx, page):
    first, body = nginx.get(page.url)
    assert first.status == 200 and "Support for carers" in body
    assert status(first) == "MISS"
    second, again = nginx.get(page.url)
    assert status(second) == "HIT" and again == body
    # Random parameters and other people's cookies: the same stored page.
    for path in (page.url + "?x=1", page.url + "?x=2&y=3"):
        response, text = nginx.get(path, Cookie="_ga=GA1.2.3; csrftoken=abc")
        assert status(response) == "HIT" and text == body, path
    assert sum(1 for f in nginx.cache.rglob("*") if f.is_file()) == 1


def test_what_must_reach_the_site_goes_through_and_is_never_kept(nginx, page):
    nginx.get(page.url)
    tagged, _ = nginx.get(page.url + "?utm_source=facebook&utm_medium=paid-social&fbclid=IwAR1")
    assert status(tagged) == "BYPASS"
    cookie = tagged.getheader("Set-Cookie")
    assert cookie.startswith(f"{capture.VISIT_COOKIE_NAME}=")
    value = cookie.split(";")[0].split("=", 1)[1]
    assert signing.loads(value, salt=capture.COOKIE_SALT)["last"]["utm_source"] == "facebook"
    referred, _ = nginx.get(page.url, Referer="https://www.google.co.uk/")
    assert status(referred) == "BYPASS" and "Set-Cookie" in dict(referred.getheaders())
    own, _ = nginx.get(page.url, Referer=f"http://localhost:{nginx.port}/")
    assert status(own) == "HIT"
    for cookie in ("sessionid=abc", "hub_cookie_choices=analytics:no", "messages=x"):
        response, _ = nginx.get(page.url, Cookie=cookie)
        assert status(response) == "BYPASS", cookie
    # Nothing of it was stored: the untagged page is still the one stored copy.
    assert status(nginx.get(page.url)[0]) == "HIT"


def test_the_nginx_copy_is_refreshed_on_publish(nginx, page, home):
    nginx.get(page.url), nginx.get(home.url)
    assert status(nginx.get(page.url)[0]) == "HIT"
    page.title = "Support for foster carers"
    page.save_revision().publish()
    # Until the worker refreshes it, visitors get the previous copy at once (no render).
    before, old = nginx.get(page.url)
    assert status(before) == "HIT" and "Support for carers" in old
    run_worker()
    after, new = nginx.get(page.url)
    assert status(after) == "HIT", "refreshed in place, not emptied"
    assert "Support for foster carers" in new
    # The home page (its menu and cards) was refreshed too.
    assert status(nginx.get(home.url)[0]) == "HIT"


# --- The access log (issue 17): a cancellation link's token is never in it --------------------


def test_the_access_log_nginx_is_given_shows_the_path_alone_with_tokens_masked():
    """What `manage.py front_door_nginx` prints: the public server logs in the front door's
    format, built from nothing that holds a query string or a Referer."""
    out = StringIO()
    call_command("front_door_nginx", stdout=out)
    printed = out.getvalue()
    http, server = printed.split("# --- in the public server")
    assert "access_log /var/log/nginx/hub-access.log hub_access;" in server
    (line_format,) = re.findall(r"log_format hub_access (.*?);", http, re.S)
    variables = set(re.findall(r"\$\{?(\w+)", line_format))
    assert variables == {
        "time_iso8601",
        "request_method",
        "hub_log_path",
        "status",
        "body_bytes_sent",
        "request_time",
        "upstream_cache_status",
    }
    assert "map $hub_path $hub_log_path" in http and "REDACTED" in http


def test_the_access_log_line_of_a_cancellation_link_holds_no_token(nginx, home):
    registration, _ = book(
        EventPageFactory(),
        BookingDetails(first_name="Pat", last_name="Lee", email="p@example.org", postcode="DE1"),
    )
    token = emails.cancel_token(registration)
    index = registration.event.get_parent().specific
    now_link = emails.cancel_address(index, registration)
    old_link = f"{index.url}cancel/{token}/"
    assert nginx.get(now_link)[0].status == 200
    assert nginx.get(old_link, Referer=f"http://localhost{now_link}")[0].status == 302
    deadline = time.monotonic() + 5
    while len(nginx.access_log.read_text().splitlines()) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    lines = nginx.access_log.read_text().splitlines()
    assert len(lines) == 2, lines
    assert '"GET /events/cancel/" 200' in lines[0]
    assert '"GET /events/cancel/REDACTED/" 302' in lines[1]
    assert not [line for line in lines if token in line or token[:32] in line]
