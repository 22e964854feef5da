"""Polish and Urdu by a reader's eye, in headless Chromium on the demo site.

- the Urdu enquiry page's phone number (in the editor's rich text) reads in order, 03069 then
  990214, on the screen as in the DOM (the screenshot is saved in test-results/);
- "Call 03069 990214" has its space in the header, in every language;
- following the main and footer menus in Polish or Urdu never lands on English words.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache

from attribution.consent import COOKIE_NAME

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

SCREENSHOTS = Path(settings.BASE_DIR) / "test-results"

# The left edge on the screen of each run of digits of the first phone number in an element.
DIGIT_RUNS = """(element) => {
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
        const match = node.data.match(/0\\d{4} \\d{6}/);
        if (!match) continue;
        const runs = [];
        for (const run of match[0].matchAll(/\\d+/g)) {
            const range = document.createRange();
            range.setStart(node, match.index + run.index);
            range.setEnd(node, match.index + run.index + run[0].length);
            runs.push({text: run[0], left: range.getBoundingClientRect().left});
        }
        return {
            runs,
            isolate: node.parentElement.closest('bdi') ? node.parentElement.closest('bdi').dir : '',
            direction: getComputedStyle(node.parentElement).direction,
        };
    }
    return null;
}"""


@pytest.fixture(autouse=True)
def _fresh_cache(demo_server):
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def tab(chromium, demo_server):
    """A desktop tab whose cookie choices are made (no banner over the page)."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": COOKIE_NAME, "value": "analytics:no", "url": demo_server + "/"}])
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def test_the_urdu_enquiry_page_shows_the_phone_number_in_order(tab, demo_server):
    tab.goto(demo_server + "/ur/enquire/")
    tab.evaluate("document.fonts.ready")
    assert tab.evaluate("document.documentElement.dir") == "rtl"
    intro = tab.locator(".lead-text")
    assert "03069 990214" in intro.inner_text()
    found = intro.evaluate(DIGIT_RUNS)
    assert found is not None, "the intro gives the phone number"
    assert found["isolate"] == "ltr" and found["direction"] == "ltr", found
    first, second = found["runs"]
    assert (first["text"], second["text"]) == ("03069", "990214")
    assert first["left"] < second["left"], f"reads 990214 03069 on the screen: {found}"
    SCREENSHOTS.mkdir(exist_ok=True)
    intro.scroll_into_view_if_needed()
    intro.screenshot(path=str(SCREENSHOTS / "ur-enquire-phone.png"))


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/", "Call 03069 990214"),
        ("/pl/", "Zadzwoń pod numer 03069 990214"),
        ("/ur/", "03069 990214 پر کال کریں"),
    ],
)
def test_the_header_phone_link_keeps_its_space(tab, demo_server, path, words):
    tab.goto(demo_server + path)
    # innerText is what a reader sees: the words and the number, one space apart (not
    # "Call03069 990214", nor split over two lines as two flex items).
    assert tab.locator(".help-links--header .help-links__phone").inner_text() == words


@pytest.mark.parametrize("code", ["pl", "ur"])
def test_the_menus_lead_to_pages_in_the_visitors_language(tab, demo_server, code):
    tab.goto(demo_server + f"/{code}/")
    links = tab.locator(".site-nav__link, .site-footer__list a").evaluate_all(
        "links => links.map(a => [a.textContent.trim(), a.getAttribute('href')])"
    )
    menu = [(label, href) for label, href in links if href.startswith(f"/{code}/")]
    assert len(menu) >= 10, links  # six in the main menu, five in the footer
    for label, href in menu:
        assert not tab.locator(f"a[href='{href}'][lang='en-GB']").count(), f"{label}: English"
        tab.goto(demo_server + href)
        assert tab.evaluate("document.documentElement.lang") == code
        assert tab.locator("main").get_attribute("lang") in (None, code), f"{href} is English"
        assert tab.locator(".translation-notice").count() == 0, f"{href} is not translated"
        tab.goto(demo_server + f"/{code}/")


@pytest.mark.parametrize("code", ["pl", "ur"])
def test_the_demo_translates_every_sentence_of_its_translated_pages(
    demo_server, django_db_blocker, code
):
    """A sentence missing from demo/translations/<code>.json would show in English in the
    middle of a Polish or Urdu page, with no notice saying so."""
    from wagtail.models import Page
    from wagtail_localize.models import StringSegment, TranslationSource

    from demo.translations import TRANSLATED_PAGES, catalogue

    strings = catalogue(code)
    missing = {}
    with django_db_blocker.unblock():
        home = Page.objects.get(depth=2, locale__language_code=settings.LANGUAGE_CODE)
        for path in TRANSLATED_PAGES:
            page = Page.objects.get(url_path=home.url_path + path, locale=home.locale).specific
            source, _created = TranslationSource.get_or_create_from_instance(page)
            words = StringSegment.objects.filter(source=source).values_list(
                "string__data", flat=True
            )
            left = [text for text in words if text not in strings and text != page.slug]
            if left:
                missing[path] = left
    assert not missing, missing
