"""The factories every app's page factories build on: default parents, images and StreamField JSON.

The home app's own pages have theirs in `home/tests/factories.py`; each feature app keeps its own.

Page factories build under a sensible parent by default (the default site's home page, or the
one index page of their kind under it, created when missing), so `StoryPageFactory()` just works;
pass `parent=` to build elsewhere. StreamField values are given as raw JSON (the same shape
Wagtail stores), built with the small helpers below.
"""

from __future__ import annotations

import json
from typing import Any

import factory
import wagtail_factories
from wagtail.models import Collection, Page, Site

# --- Where pages go by default -------------------------------------------------------------


def default_home() -> Page:
    """The default site's home page (migration home/0002 creates it), as its own type."""
    return Site.objects.get(is_default_site=True).root_page.specific


def child_index(model: type[Page], factory_class: type[factory.Factory]) -> Page:
    """The single index page of `model` under the default home page, created when missing."""
    home = default_home()
    existing = model.objects.child_of(home).first()
    return existing if existing is not None else factory_class(parent=home)


# --- StreamField content as raw JSON --------------------------------------------------------


def stream(*blocks: dict[str, Any]) -> str:
    """A StreamField value from raw blocks, e.g. stream(rich_text("<p>Hi</p>"))."""
    return json.dumps(list(blocks))


def rich_text(html: str) -> dict[str, Any]:
    return {"type": "rich_text", "value": html}


def faq(questions: list[tuple[str, str]], heading: str = "") -> dict[str, Any]:
    """An FAQ block from (question, answer HTML) pairs."""
    return {
        "type": "faq",
        "value": {
            "heading": heading,
            "questions": [{"question": q, "answer": a} for q, a in questions],
        },
    }


def image_block(image, alt_text: str, caption: str = "") -> dict[str, Any]:
    return {"type": "image", "value": {"image": image.pk, "alt_text": alt_text, "caption": caption}}


def quote(text: str, attribution: str) -> dict[str, Any]:
    return {"type": "quote", "value": {"quote": text, "attribution": attribution, "story": None}}


def key_figure(figure: str, label: str) -> dict[str, Any]:
    """One item of HomePage.key_facts."""
    return {"type": "figure", "value": {"figure": figure, "label": label}}


def step(title: str, description_html: str, timescale: str = "") -> dict[str, Any]:
    """One item of StepsPage.steps."""
    return {
        "type": "step",
        "value": {"title": title, "timescale": timescale, "description": description_html},
    }


# --- Images -----------------------------------------------------------------------------


class ImageFactory(wagtail_factories.ImageFactory):
    """A real (generated) JPEG in the root collection, so renditions can be made from it."""

    title = factory.Sequence(lambda n: f"Photo {n}")
    collection = factory.LazyFunction(Collection.get_first_root_node)
    file = factory.django.ImageField(width=480, height=360, color="teal", format="JPEG")


# --- Pages ---------------------------------------------------------------------------------


class BasePageFactory(wagtail_factories.PageFactory):
    """Titles are unique by default so sibling slugs never clash."""

    title = factory.Sequence(lambda n: f"Page {n}")
    parent = factory.LazyFunction(default_home)

    class Meta:
        abstract = True
