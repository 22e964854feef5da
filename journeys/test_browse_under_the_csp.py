"""The Content-Security-Policy in headless Chromium: nothing on the public site or in the admin
is blocked by it, and the analytics service (after consent) runs, its inline code allowed by hash.

Chromium reports each blocked script, style, image, frame or connection as a
`securitypolicyviolation` event and a console error; both are recorded from the first byte of
every document (an init script) and must stay empty. A policy that is too strict breaks a
feature; one with 'unsafe-inline' for public scripts would fail core/tests/test_security_headers.py.
"""

from __future__ import annotations

import base64
import hashlib
import re
from urllib.parse import urlsplit

import pytest

from demo.content import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.__cspViolations.push(
        `${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`
        + ` (${event.sourceFile}:${event.lineNumber}) ${event.sample}`);
});
"""


class Recorder:
    """Every CSP violation and CSP console error of the documents a page opens."""

    def __init__(self, page) -> None:
        self.page = page
        self.console: list[str] = []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self._console)

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text:
            self.console.append(message.text)

    def visit(self, url: str) -> list[str]:
        """Open a page, let it settle, and return what the policy blocked there."""
        response = self.page.goto(url)
        assert response is not None and response.status in (200, 404), (url, response)
        self.page.wait_for_load_state("networkidle")
        return self.blocked()

    def blocked(self) -> list[str]:
        """What was blocked in the page and its frames (the editor's preview) so far."""
        events = [
            event
            for frame in self.page.frames
            if not frame.is_detached() and frame.url.startswith("http://127.0.0.1")
            for event in frame.evaluate("window.__cspViolations || []")
        ]
        found, self.console = [*events, *self.console], []
        return found


def assert_nothing_blocked(blocked: dict[str, list[str]]) -> None:
    failures = {name: found for name, found in blocked.items() if found}
    assert not failures, "\n".join(
        f"{name}: {len(found)} blocked, e.g. {found[:3]}" for name, found in failures.items()
    )


def admin_pages(django_db_blocker) -> dict[str, str]:
    """One of each kind of admin screen, from the demo content."""
    from wagtail.models import Locale, Site

    from attribution.models import Campaign
    from events.models import EventPage
    from home.models import HomePage
    from reporting.views import REPORTS

    with django_db_blocker.unblock():
        site = Site.objects.get(is_default_site=True)
        english = Locale.get_default()
        home = HomePage.objects.get(locale=english)
        polish_home = HomePage.objects.get(locale__language_code="pl")
        event = EventPage.objects.live().filter(locale=english).first()
        campaign = Campaign.objects.first()
    return {
        "dashboard": "/admin/",
        "page explorer (date filters)": f"/admin/pages/{home.pk}/",
        "home page editor": f"/admin/pages/{home.pk}/edit/",
        "event page editor": f"/admin/pages/{event.pk}/edit/",
        "translation editor": f"/admin/pages/{polish_home.pk}/edit/",
        "hub settings (inline panel)": f"/admin/settings/councils/hubsettings/{site.pk}/",
        "campaign editor (inline panel)": f"/admin/campaigns/edit/{campaign.pk}/",
        "partner councils (snippet listing)": "/admin/snippets/councils/council/",
        "enquiries": "/admin/enquiries/",
        "images": "/admin/images/",
        "image upload": "/admin/images/multiple/add/",
        "attribution report": f"/admin/reports/attribution/{REPORTS[0].slug}/",
        "spam report": "/admin/reports/spam-turned-away/",
        "event numbers report": "/admin/reports/event-numbers/",
        "personal data (subject access)": "/admin/personal-data/",
    }


def log_in(page, base: str, username: str = "admin") -> None:
    """The real sign-in, so its pages are checked under the admin's policy too: the password,
    then the code from the demo account's authenticator app."""
    from demo.second_factor import DEMO_TOTP_KEY
    from testkit.browser import app_code

    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/two-factor/code/**")
    page.get_by_label("Code from your authenticator app").fill(app_code(DEMO_TOTP_KEY))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{base}/admin/")


def offline(page) -> list[str]:
    """Refuse every request that leaves the site (none may be needed), recording its host."""
    hosts: list[str] = []

    def route(route) -> None:
        host = urlsplit(route.request.url).hostname or ""
        if host == "127.0.0.1":
            route.continue_()
        else:
            hosts.append(host)
            route.abort()

    page.route("**/*", route)
    return hosts


def test_no_public_page_type_is_blocked(page, demo_server, demo_urls):
    offline(page)
    recorder = Recorder(page)
    blocked = {name: recorder.visit(demo_server + url) for name, url in demo_urls.items()}
    for path in ["/enquire/", "/cookies/"]:
        blocked[path] = recorder.visit(demo_server + path)
    assert_nothing_blocked(blocked)


@pytest.fixture(scope="module")
def video_page(demo_server, django_db_blocker):
    """A page with a YouTube and a Vimeo video (the demo's video has no real address), made
    before any test's transaction starts, so the live server sees it, and removed after."""
    from wagtail.models import Locale

    from core.tests.factories import stream
    from home.models import HomePage
    from home.tests.factories import StandardPageFactory

    videos = [
        ("Becoming a foster carer", "https://www.youtube.com/watch?v=aBcDeFgHiJk"),
        ("A first year", "https://vimeo.com/123456789"),
    ]
    with django_db_blocker.unblock():
        page = StandardPageFactory(
            parent=HomePage.objects.get(locale=Locale.get_default()),
            title="Videos about fostering",
            slug="csp-videos",
            body=stream(
                *[
                    {"type": "video", "value": {"title": title, "url": url, "transcript": ""}}
                    for title, url in videos
                ]
            ),
        )
        url = page.url
    yield url
    with django_db_blocker.unblock():
        page.delete()


def test_the_video_players_may_load_after_play(page, demo_server, video_page):
    """'Play here' swaps in the privacy-enhanced player's frame: frame-src allows both players
    (their requests are then refused here, as the test has no internet)."""
    hosts = offline(page)
    recorder = Recorder(page)
    assert recorder.visit(demo_server + video_page) == []
    play = page.get_by_role("button", name=re.compile("^Play here"))
    assert play.count() == 2
    while play.count():  # each button gives way to its player
        play.first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator(".video__player iframe").count() == 2
    assert {"www.youtube-nocookie.com", "player.vimeo.com"} <= set(hosts)
    assert recorder.blocked() == []


def test_no_admin_page_is_blocked(page, demo_server, django_db_blocker):
    offline(page)
    recorder = Recorder(page)
    log_in(page, demo_server)
    blocked = {
        name: recorder.visit(demo_server + url)
        for name, url in admin_pages(django_db_blocker).items()
    }
    assert_nothing_blocked(blocked)


def test_preview_and_userbar_are_not_blocked(page, demo_server, demo_urls, django_db_blocker):
    """An editor's preview panel (a same-origin frame in the admin) and the Wagtail userbar
    on a public page, both of which run Wagtail's scripts and styles."""
    offline(page)
    recorder = Recorder(page)
    # Another account than the admin pages' test: a code works only once.
    log_in(page, demo_server, "hub.comms")
    editor = admin_pages(django_db_blocker)["home page editor"]
    recorder.visit(demo_server + editor)
    page.locator("[data-side-panel-toggle='preview']").click()
    # (The panel keeps checking for changes, so the network never goes quiet: wait for the
    # previewed page itself.)
    page.frame_locator("#w-preview-iframe").locator("main#main-content").wait_for(state="attached")
    preview = page.frame(url=re.compile(r"/preview/\?in_preview_panel="))
    assert preview is not None, [frame.url for frame in page.frames]
    preview.wait_for_load_state("load")
    assert recorder.blocked() == []

    recorder.visit(demo_server + demo_urls["StandardPage"])
    page.locator("wagtail-userbar").wait_for(state="attached")
    page.locator("wagtail-userbar").get_by_role("button").first.click()
    page.wait_for_load_state("networkidle")
    assert recorder.blocked() == []


@pytest.mark.usefixtures("analytics_configured")
def test_consented_analytics_run_allowed_by_their_hashes(page, demo_server):
    """After "Accept", Google's tag loads (its address is allowed) and its inline set-up script
    runs, allowed by its hash in the page's own Content-Security-Policy header: no nonce, so
    the page is the same for everyone who accepted, and a cache can hold it."""
    hosts = offline(page)
    recorder = Recorder(page)
    recorder.visit(demo_server + "/")
    assert "www.googletagmanager.com" not in hosts
    with page.expect_navigation():
        page.get_by_role("button", name="Accept analytics cookies").click()
    response = page.reload()
    page.wait_for_load_state("networkidle")

    header = response.headers["content-security-policy"]
    assert "'nonce-" not in header and "'unsafe-inline'" not in header
    assert "https://*.googletagmanager.com" in header
    inline = page.evaluate(
        """() => [...document.querySelectorAll("script:not([type='application/ld+json'])")]
            .filter(script => !script.src).map(script => script.textContent)"""
    )
    assert inline, "the tag's inline set-up script is on the page"
    script_src = re.search(r"script-src ([^;]*)", header).group(1).split()
    for code in inline:
        digest = base64.b64encode(hashlib.sha256(code.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in script_src
    sources = page.evaluate("[...document.scripts].map(script => script.src)")
    assert any("googletagmanager.com/gtag/js" in src for src in sources)
    assert page.evaluate("Array.isArray(window.dataLayer)")  # the inline script ran
    assert "www.googletagmanager.com" in hosts  # the tag's request was made (then refused here)
    assert recorder.blocked() == []
