"""The cookie banner, the cookies page form and analytics that load only after a yes.

What a visitor relies on: the question is asked until they answer, accepting and refusing are
equally easy and work without JavaScript, the answer is remembered for a year and can be changed
on the cookies page (including the objection to the visit-only note of where they came from),
and no analytics service hears about them before they say yes, nor ever sees the page that shows
an enquiry reference.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils.cache import has_vary_header

from attribution import consent
from enquiry.tests.factories import EnquiryFactory
from enquiry.views import SESSION_KEY
from home.consent_views import ConsentVaryMiddleware
from home.tests.factories import PolicyPageFactory, StandardPageFactory
from testkit.analytics import reload_analytics
from testkit.html import soup

pytestmark = pytest.mark.django_db

CHOICES_URL = "/cookie-choices/"
GTAG_ID = "G-TEST123"
GTAG_SCRIPT = "googletagmanager.com"


@pytest.fixture
def pages(home):
    """A content page and the cookies page, as the demo has them."""
    return {
        "about": StandardPageFactory(parent=home, title="About fostering", slug="about"),
        "cookies": PolicyPageFactory(parent=home, title="Cookies", slug="cookies"),
    }


@pytest.fixture
def analytics_service(settings):
    """Google Analytics configured, as an operator would in production settings."""
    settings.GOOGLE_ANALYTICS_GTAG_PROPERTY_ID = GTAG_ID
    reload_analytics()
    yield GTAG_ID
    del settings.GOOGLE_ANALYTICS_GTAG_PROPERTY_ID
    reload_analytics()


def banner(response):
    return soup(response).find("div", attrs={"role": "region", "class": "cookie-banner"})


def choose(client: Client, answer: str, next_url: str = "/about/", **extra):
    return client.post(CHOICES_URL, {"analytics": answer, "next": next_url, **extra})


def test_the_banner_asks_until_the_person_chooses(client, pages):
    response = client.get("/about/")
    region = banner(response)
    assert region is not None
    assert region["aria-label"] == "Cookies on Fostering hub"
    buttons = region.find_all("button")
    assert [b.get_text(strip=True) for b in buttons] == [
        "Accept analytics cookies",
        "Reject analytics cookies",
    ]
    # Equally prominent: the same element, the same classes, no choice made for them.
    assert buttons[0]["class"] == buttons[1]["class"]
    assert not region.find("input", attrs={"checked": True})
    form = region.find("form")
    assert form["method"] == "post" and form["action"] == CHOICES_URL
    # No CSRF token: the page is the same bytes for every visitor (the view checks the Origin).
    assert not form.find("input", attrs={"name": "csrfmiddlewaretoken"})
    assert form.find("input", attrs={"name": "next"})["value"] == "/about/"
    # Right after the skip link, before the header: the first thing met on every page.
    body = soup(response).body
    first, second = body.find_all(["div", "a", "header"], recursive=False)[:2]
    assert first["class"] == ["skip-link"] and second["class"] == ["cookie-banner"]
    # Still asked on the next page.
    assert banner(client.get("/")) is not None


@pytest.mark.parametrize(
    ("answer", "outcome", "message"),
    [
        ("yes", "accepted", "You've accepted analytics cookies."),
        ("no", "rejected", "You've rejected analytics cookies."),
    ],
)
def test_choosing_without_javascript_remembers_it_for_a_year(
    client, pages, answer, outcome, message
):
    response = choose(client, answer, next_url="/about/?page=2")
    assert response.status_code == 303
    assert response["Location"] == f"/about/?page=2&hub_cookies={outcome}"
    cookie = response.cookies[consent.COOKIE_NAME]
    assert cookie.value == f"analytics:{answer}"
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 365 * 24 * 60 * 60

    back = client.get(response["Location"])
    region = banner(back)
    assert region.find(attrs={"role": "alert"})
    text = " ".join(region.get_text(" ", strip=True).split()).replace("\u2019", "'")
    assert message in text
    assert "You can change your cookie settings at any time." in text
    assert region.find("a", string="change your cookie settings")["href"] == CHOICES_URL
    hide = region.find("a", string="Hide cookie message")
    # The page's own address: a standard page reads no `page` parameter, so none is echoed.
    assert hide["href"] == "/about/"
    # Hidden from then on.
    assert banner(client.get(hide["href"])) is None
    assert banner(client.get("/")) is None


def test_view_cookies_goes_to_the_cookies_page(client, pages):
    response = client.get(CHOICES_URL)
    assert response.status_code == 302
    assert response["Location"] == "/cookies/"


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/phish", "//evil.example/phish", "javascript:alert(1)", ""],
)
def test_only_pages_on_this_site_are_gone_back_to(client, pages, next_url):
    response = choose(client, "no", next_url=next_url)
    assert response.status_code == 303
    assert response["Location"] == "/?hub_cookies=rejected"


def test_a_cross_site_post_is_refused_and_a_post_from_the_site_works(pages):
    """The banner's form has no CSRF token (cached pages are the same for everyone), so the
    headers a browser sends with every form post, and a page cannot forge, decide."""
    strict = Client(enforce_csrf_checks=True)

    def choose_from(answer: str, **headers):
        return strict.post(CHOICES_URL, {"analytics": answer, "next": "/about/"}, **headers)

    for headers in (
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_ORIGIN": "null"},  # a sandboxed frame or a data: page
    ):
        refused = choose_from("yes", **headers)
        assert refused.status_code == 403, headers
        assert consent.COOKIE_NAME not in refused.cookies
    # Over HTTPS a post with neither header needs a Referer from this site.
    assert choose_from("yes", secure=True).status_code == 403
    assert choose_from("yes", secure=True, HTTP_REFERER="https://evil.example/").status_code == 403
    for headers in (
        {"HTTP_ORIGIN": "http://testserver"},
        {"HTTP_SEC_FETCH_SITE": "same-origin"},
    ):
        response = choose_from("yes", **headers)
        assert response.status_code == 303, headers
        assert response.cookies[consent.COOKIE_NAME].value == "analytics:yes"
    from_site = choose_from("no", secure=True, HTTP_REFERER="https://testserver/about/")
    assert from_site.status_code == 303


def test_no_banner_on_the_admin(client, pages, make_user):
    user = make_user("editor")
    user.is_superuser = True
    user.is_staff = True
    user.save()
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "cookie-banner" not in response.content.decode()
    assert "Accept analytics cookies" not in response.content.decode()


def test_analytics_load_only_after_a_yes(client, pages, analytics_service):
    before = client.get("/about/").content.decode()
    assert GTAG_SCRIPT not in before and GTAG_ID not in before

    choose(client, "no")
    refused = client.get("/about/").content.decode()
    assert GTAG_SCRIPT not in refused and GTAG_ID not in refused

    choose(client, "yes")
    accepted = client.get("/about/").content.decode()
    assert GTAG_SCRIPT in accepted and GTAG_ID in accepted
    # Changing one's mind later stops it again.
    client.post(
        CHOICES_URL,
        {"form": "cookies-page", "analytics": "no", "statistics": "yes", "next": "/cookies/"},
    )
    assert GTAG_ID not in client.get("/about/").content.decode()


def test_no_analytics_on_the_admin_even_after_a_yes(client, pages, analytics_service, make_user):
    choose(client, "yes")
    user = make_user("editor")
    user.is_superuser = True
    user.is_staff = True
    user.save()
    client.force_login(user)
    assert GTAG_ID not in client.get("/admin/").content.decode()
    assert GTAG_ID not in client.get(f"/admin/pages/{pages['about'].pk}/edit/").content.decode()


def test_the_page_with_the_enquiry_reference_never_loads_analytics(
    client, enquiry_page, analytics_service
):
    choose(client, "yes", next_url="/")
    assert GTAG_ID in client.get("/enquire/").content.decode()
    enquiry = EnquiryFactory()
    session = client.session
    session[SESSION_KEY] = enquiry.pk
    session.save()
    response = client.get("/enquire/thank-you/")
    html = response.content.decode()
    assert enquiry.reference in html
    assert GTAG_ID not in html and GTAG_SCRIPT not in html


def test_the_cookies_page_form_is_prefilled_and_changes_the_choices(client, pages):
    def checked(response) -> dict[str, str]:
        form = soup(response).find("section", class_="cookie-settings").find("form")
        return {i["name"]: i["value"] for i in form.find_all("input", checked=True)}

    page = client.get("/cookies/")
    # No choice yet: what applies now, analytics off and the visit-only note kept.
    assert checked(page) == {"analytics": "no", "statistics": "yes"}
    assert banner(page) is None  # the page itself is where the choice is made
    form = soup(page).find("section", class_="cookie-settings").find("form")
    labels = [label.get_text(strip=True) for label in form.find_all("label")]
    assert "Use cookies that measure my website use" in labels
    assert "Keep a note of which advert or link brought me here, for this visit only" in labels

    response = client.post(
        CHOICES_URL,
        {"form": "cookies-page", "analytics": "yes", "statistics": "no", "next": "/cookies/"},
    )
    assert response["Location"] == "/cookies/?hub_cookies=saved"
    assert response.cookies[consent.COOKIE_NAME].value == "analytics:yes,statistics:no"
    saved = client.get(response["Location"])
    assert "You've set your cookie preferences." in saved.content.decode().replace("&#x27;", "'")
    assert checked(saved) == {"analytics": "yes", "statistics": "no"}

    # The banner's later answer keeps the objection.
    client.cookies[consent.COOKIE_NAME] = ""
    client.cookies[consent.COOKIE_NAME] = "statistics:no"
    response = choose(client, "no")
    assert response.cookies[consent.COOKIE_NAME].value == "analytics:no,statistics:no"


def test_objecting_forgets_what_was_kept(client, pages):
    from attribution import capture

    client.get("/about/?utm_source=facebook&utm_medium=social")
    assert client.cookies[capture.VISIT_COOKIE_NAME].value
    client.post(
        CHOICES_URL,
        {"form": "cookies-page", "analytics": "no", "statistics": "no", "next": "/cookies/"},
    )
    assert client.cookies[capture.VISIT_COOKIE_NAME].value == ""


def test_the_statistics_question_only_when_such_a_note_is_kept(client, pages, settings):
    settings.ATTRIBUTION_WITHOUT_CONSENT = "nothing"
    form = soup(client.get("/cookies/")).find("section", class_="cookie-settings")
    assert form.find("input", attrs={"name": "analytics"})
    assert not form.find("input", attrs={"name": "statistics"})


def test_pages_that_depend_on_the_choice_vary_by_cookie(client, pages):
    """A shared cache must never hand one visitor's banner (or its absence) to another."""
    # Today every page reads the session (the user bar asks who is signed in), so Django adds
    # `Vary: Cookie` before and after a choice; ConsentVaryMiddleware makes it explicit.
    assert has_vary_header(client.get("/about/"), "Cookie")
    choose(client, "yes")
    assert has_vary_header(client.get("/about/"), "Cookie")
    # The choices endpoint itself is never cached.
    assert "no-cache" in choose(client, "no")["Cache-Control"]


def test_the_vary_middleware_marks_responses_that_read_the_choices(rf):
    from django.http import HttpResponse

    from home.templatetags.consent_tags import analytics_allowed

    def view(request):
        analytics_allowed({"request": request})
        return HttpResponse("page")

    request = rf.get("/about/")
    assert has_vary_header(ConsentVaryMiddleware(view)(request), "Cookie")
    plain = ConsentVaryMiddleware(lambda request: HttpResponse("file"))(rf.get("/robots.txt"))
    assert not has_vary_header(plain, "Cookie")


def test_a_page_can_opt_out_of_analytics_with_a_context_flag(rf):
    from django.template import Context, Template

    template = Template("{% load consent_tags %}{% analytics_allowed as ok %}{{ ok }}")
    request = rf.get("/about/")
    request.COOKIES[consent.COOKIE_NAME] = "analytics:yes"
    assert template.render(Context({"request": request})) == "True"
    assert template.render(Context({"request": request, "no_analytics": True})) == "False"
    preview = rf.get("/about/")
    preview.COOKIES[consent.COOKIE_NAME] = "analytics:yes"
    preview.is_preview = True
    assert template.render(Context({"request": preview})) == "False"
