"""Polish and Urdu in headless Chromium, on the demo site: axe-core finds nothing (WCAG 2.2
A/AA) on the translated home, council, enquiry (with errors) and event pages in both languages
nor on a page still shown in English, the language switcher works from the keyboard, and the
Urdu layout is mirrored (checked on the screenshot's pixels and on the page's boxes)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from attribution.consent import COOKIE_NAME
from testkit.browser import axe_violations, describe

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

TRANSLATED = {
    "home": "/{code}/",
    "council": "/{code}/councils/derby/",
    "enquiry": "/{code}/enquire/",
    "event": "/{code}/events/derby-information-evening/",
}
SCREENSHOTS = Path(settings.BASE_DIR) / "test-results"


@pytest.fixture(autouse=True)
def _fresh_rate_limits(demo_server):
    cache.clear()
    yield
    cache.clear()


def in_language(code: str, text: str) -> str:
    with translation.override(code):
        return translation.gettext(text)


@pytest.mark.parametrize("code", ["pl", "ur"])
@pytest.mark.parametrize("name", sorted(TRANSLATED))
@pytest.mark.parametrize("device", ["page", "phone"])
def test_translated_pages_have_no_axe_violations(request, demo_server, code, name, device):
    tab = request.getfixturevalue(device)
    response = tab.goto(demo_server + TRANSLATED[name].format(code=code))
    assert response.status == 200
    assert tab.evaluate("document.documentElement.lang") == code
    assert tab.evaluate("document.documentElement.dir") == ("rtl" if code == "ur" else "ltr")
    assert tab.locator(".translation-notice").count() == 0, "the demo translates this page"
    violations = axe_violations(tab)
    assert not violations, describe(violations)


@pytest.mark.parametrize("code", ["pl", "ur"])
def test_the_enquiry_form_with_errors_in_each_language(page, demo_server, code):
    page.goto(demo_server + TRANSLATED["enquiry"].format(code=code))
    with page.expect_navigation():
        page.locator("#send-enquiry").click()
    assert page.title().startswith(in_language(code, "Error:"))
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert in_language(code, "There is a problem") in summary.inner_text()
    assert in_language(code, "Enter your first name") in summary.inner_text()
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    violations = axe_violations(page)
    assert not violations, describe(violations)


@pytest.mark.parametrize("path", ["/pl/stories/grace/", "/ur/types-of-fostering/emergency/"])
def test_a_page_still_in_english_has_no_axe_violations(page, demo_server, path):
    """An untranslated page: the English words marked as English inside a Polish or Urdu site,
    and the cards of translated pages marked in their own language."""
    page.goto(demo_server + path)
    assert page.locator("main").get_attribute("lang") == "en-GB"
    assert page.locator(".translation-notice").is_visible()
    violations = axe_violations(page)
    assert not violations, describe(violations)


def test_the_switcher_goes_to_the_same_page_from_the_keyboard(page, demo_server):
    page.goto(demo_server + "/councils/derby/")
    switcher = page.locator(".language-switcher a[hreflang='ur']")
    switcher.focus()
    assert page.evaluate("document.activeElement.getAttribute('hreflang')") == "ur"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == demo_server + "/ur/councils/derby/"
    assert page.evaluate("document.documentElement.dir") == "rtl"
    with page.expect_navigation():
        page.locator(".language-switcher a[hreflang='pl']").click()
    assert page.url == demo_server + "/pl/councils/derby/"
    current = page.locator(".language-switcher [aria-current='true']")
    assert current.inner_text() == "Polski"


def crop(png: bytes, left: float, top: float, width: float, height: float):
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("L")
    return image.crop((round(left), round(top), round(left + width), round(top + height)))


def difference(first, second) -> float:
    """Mean absolute difference of two same-sized greyscale images (0 = identical)."""
    from PIL import ImageChops, ImageStat

    return ImageStat.Stat(ImageChops.difference(first, second)).mean[0]


def box(tab, selector: str) -> dict:
    return tab.locator(selector).first.bounding_box()


def test_the_urdu_layout_is_mirrored(chromium, demo_server, django_db_blocker):
    """The screenshot of the Urdu home page has the logo where the English one's mirror image
    would have it, and the menu and text on the right where the English has them on the left."""
    SCREENSHOTS.mkdir(exist_ok=True)
    found = {}
    for code, path in (("en", "/"), ("ur", "/ur/")):
        context = chromium.new_context(viewport={"width": 1280, "height": 900})
        # Choices made: no cookie banner over the header in the screenshot.
        context.add_cookies(
            [{"name": COOKIE_NAME, "value": "analytics:no", "url": demo_server + "/"}]
        )
        tab = context.new_page()
        tab.goto(demo_server + path)
        tab.evaluate("document.fonts.ready")
        png = tab.screenshot()
        (SCREENSHOTS / f"home-{code}.png").write_bytes(png)
        found[code] = {
            "png": png,
            "logo": box(tab, ".site-header__logo"),
            "first_menu_link": box(tab, ".site-nav__item:first-child"),
            "heading": tab.evaluate(
                "getComputedStyle(document.querySelector('main h1')).textAlign"
            ),
            "direction": tab.evaluate("getComputedStyle(document.body).direction"),
            "phone": tab.evaluate(
                "getComputedStyle(document.querySelector('.help-links__phone bdi')).direction"
            ),
        }
        context.close()
    middle = 1280 / 2
    english, urdu = found["en"], found["ur"]
    assert english["direction"] == "ltr" and urdu["direction"] == "rtl"
    logo = english["logo"]
    mirrored_x = 1280 - logo["x"] - logo["width"]
    english_logo = crop(english["png"], logo["x"], logo["y"], logo["width"], logo["height"])
    top = urdu["logo"]["y"]  # the Urdu header's rows may be taller (Nastaliq needs the room)
    assert abs(urdu["logo"]["x"] - mirrored_x) <= 2, (urdu["logo"], mirrored_x)
    urdu_mirrored = crop(urdu["png"], mirrored_x, top, logo["width"], logo["height"])
    urdu_same_place = crop(urdu["png"], logo["x"], top, logo["width"], logo["height"])
    assert difference(english_logo, urdu_mirrored) < 8, "the logo is at the mirrored place"
    assert difference(english_logo, urdu_same_place) > 30, "and not where the English has it"
    assert english["first_menu_link"]["x"] < middle < urdu["first_menu_link"]["x"]
    assert urdu["heading"] in ("start", "right")
    assert urdu["phone"] == "ltr", "the phone number still reads left to right"


def test_only_urdu_pages_download_the_urdu_font(chromium, demo_server):
    """The Nastaliq font is 160 KB: English and Polish pages (whose switcher still names Urdu in
    its own script) must not fetch it; Urdu pages do."""
    fetched = {}
    for path in ("/", "/pl/", "/ur/"):
        context = chromium.new_context()
        tab = context.new_page()
        fonts: list[str] = []
        tab.on("request", lambda r, fonts=fonts: r.resource_type == "font" and fonts.append(r.url))
        tab.goto(demo_server + path)
        tab.evaluate("document.fonts.ready")
        tab.wait_for_load_state("networkidle")
        fetched[path] = fonts
        context.close()
    assert fetched["/"] == [] and fetched["/pl/"] == [], fetched
    assert any("nastaliq" in url for url in fetched["/ur/"]), fetched
