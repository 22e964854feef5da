"""Images are served as responsive renditions: a <picture> with AVIF and WebP sources and a
JPEG (PNG for the logo) fallback, several widths with `sizes`, width and height set (no layout
shift), the editor's alternative text kept, lazy loading below the fold and the hero fetched
first; the renditions are real files in those formats, fetched in bulk so a page's SQL queries
do not grow with its images, even when the renditions cache is empty.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image as PILImage
from PIL import features
from wagtail.images import get_image_model
from wagtail.models import Site

from core.pages import BODY_IMAGE_SPECS, CARD_IMAGE_SPECS
from core.tests.factories import ImageFactory, image_block, stream
from councils.models import HubSettings
from home.tests.factories import StandardPageFactory, StoryIndexPageFactory, StoryPageFactory
from testkit.html import soup

pytestmark = pytest.mark.django_db

Rendition = get_image_model().get_rendition_model()
MODERN = ["image/avif", "image/webp"]


def pictures(response) -> list:
    assert response.status_code == 200
    return soup(response).find_all("picture")


def describe(picture) -> dict:
    """What a browser reads from a <picture>: source types and their widths, the fallback."""
    img = picture.find("img")
    return {
        "sources": [source["type"] for source in picture.find_all("source")],
        "widths": [
            sorted(int(w) for w in re.findall(r" (\d+)w", source["srcset"]))
            for source in picture.find_all("source")
        ],
        "sizes": {source.get("sizes") for source in picture.find_all("source")}
        | {img.get("sizes")},
        "fallback": img["src"].rsplit(".", 1)[-1],
        "has_size": img.get("width", "").isdigit() and img.get("height", "").isdigit(),
        "alt": img.get("alt"),
        "loading": img.get("loading"),
        "fetchpriority": img.get("fetchpriority"),
        "class": img.get("class"),
    }


def large_image(**fields):
    """A photo big enough for every width asked for (renditions never upscale)."""
    return ImageFactory(file__width=1600, file__height=1200, **fields)


def test_this_machine_encodes_avif_and_webp():
    """Pillow's wheels bundle libavif and libwebp: AVIF is served, not just WebP."""
    assert features.check("avif") and features.check("webp")


def test_the_hero_is_fetched_first_and_cards_lazily(client, home):
    home.hero_image = large_image()
    home.save_revision().publish()
    stories = StoryIndexPageFactory(parent=home)
    StoryPageFactory(parent=stories, listing_image=large_image())
    hub = HubSettings.for_site(Site.objects.get(is_default_site=True))
    hub.logo = ImageFactory(file__width=400, file__height=224, file__format="PNG")
    hub.save()

    found = {tuple(describe(p)["class"]): describe(p) for p in pictures(client.get("/"))}
    hero = found[("hero__image",)]
    assert hero["sources"] == MODERN
    assert hero["widths"] == [[640, 960, 1280]] * 2
    assert hero["sizes"] == {"(min-width: 60em) 36rem, 100vw"}
    assert hero["fallback"] == "jpg" and hero["has_size"] and hero["alt"] == ""
    assert hero["loading"] is None and hero["fetchpriority"] == "high"  # eager, first

    story = found[("featured-story__image",)]
    assert story["sources"] == MODERN and story["widths"] == [[400, 800]] * 2
    assert story["loading"] == "lazy" and story["has_size"]

    logo = found[("site-header__logo",)]
    assert logo["sources"] == MODERN
    assert logo["fallback"] == "png"  # a logo keeps its transparency
    assert logo["alt"] == hub.hub_name and logo["has_size"]


def test_cards_and_body_images_are_responsive_pictures(client, home):
    stories = StoryIndexPageFactory(parent=home)
    for _ in range(2):
        StoryPageFactory(parent=stories, listing_image=large_image())
    cards = [describe(p) for p in pictures(client.get(stories.url))]
    assert len(cards) == 2
    for card in cards:
        assert card["sources"] == MODERN and card["widths"] == [[400, 800]] * 2
        assert card["fallback"] == "jpg" and card["has_size"] and card["loading"] == "lazy"
        assert card["alt"] == ""  # decorative: the card's heading says what it is
        assert card["sizes"] == {"(min-width: 72em) 23rem, (min-width: 36em) 50vw, 100vw"}

    page = StandardPageFactory(
        parent=home, body=stream(image_block(large_image(), "A carer and a teenager baking"))
    )
    (body,) = [describe(p) for p in pictures(client.get(page.url))]
    assert body["sources"] == MODERN and body["widths"] == [[640, 960, 1280]] * 2
    assert body["alt"] == "A carer and a teenager baking"
    assert body["has_size"] and body["loading"] == "lazy" and body["fallback"] == "jpg"


def test_width_and_height_are_the_fallback_renditions_own(client, home):
    page = StandardPageFactory(parent=home, body=stream(image_block(large_image(), "Photo")))
    img = pictures(client.get(page.url))[0].find("img")
    rendition = Rendition.objects.get(file=img["src"].removeprefix("/media/"))
    assert (int(img["width"]), int(img["height"])) == (rendition.width, rendition.height)
    assert (rendition.width, rendition.height) == (640, 480)


def test_the_renditions_are_files_in_the_formats_they_claim(client, home):
    stories = StoryIndexPageFactory(parent=home)
    story = StoryPageFactory(parent=stories, listing_image=large_image())
    page = StandardPageFactory(parent=home, body=stream(image_block(large_image(), "Photo")))
    client.get(stories.url)
    client.get(page.url)
    formats = {"avif": "AVIF", "webp": "WEBP", "jpeg": "JPEG"}
    for image, specs in [
        (story.listing_image, CARD_IMAGE_SPECS),
        (page.body[0].value["image"], BODY_IMAGE_SPECS),
    ]:
        made = {r.filter_spec: r for r in Rendition.objects.filter(image=image)}
        assert set(made) == set(specs), "the templates ask for exactly the prefetched specs"
        for spec, rendition in made.items():
            wanted = formats[re.search(r"format-(\w+)", spec).group(1)]
            with rendition.file.open() as file, PILImage.open(file) as decoded:
                assert decoded.format == wanted, spec
                assert decoded.size == (rendition.width, rendition.height)
    # AVIF is the smallest of the three at the same size (the point of offering it).
    sizes = {
        r.filter_spec.split("|")[0]: r.file.size
        for r in Rendition.objects.filter(image=page.body[0].value["image"])
        if r.filter_spec.endswith("width-1280")
    }
    assert sizes["format-avif"] < sizes["format-jpeg"]


def queries_for(client, url: str) -> int:
    """A render's SQL queries with the renditions cache empty (a fresh deploy, a Redis flush):
    renditions then come from the database, so they must come in bulk."""
    client.get(url)  # makes the renditions and warms everything else
    Rendition.cache_backend.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_a_body_with_many_images_costs_no_more_queries(client, home):
    page = StandardPageFactory(parent=home, body=stream(image_block(large_image(), "One")))
    one = queries_for(client, page.url)
    page.body = stream(*[image_block(large_image(), f"Photo {n}") for n in range(8)])
    page.save_revision().publish()
    assert queries_for(client, page.url) == one


def test_a_listing_with_many_cards_costs_no_more_queries(client, home):
    stories = StoryIndexPageFactory(parent=home)
    StoryPageFactory(parent=stories, listing_image=large_image())
    one = queries_for(client, stories.url)
    for _ in range(6):
        StoryPageFactory(parent=stories, listing_image=large_image())
    assert queries_for(client, stories.url) == one
    assert len(pictures(client.get(stories.url))) == 7
