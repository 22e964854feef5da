"""Test and demo factories for the hub's general pages, images and StreamField content.

Page factories build under a sensible parent by default (the default site's home page, or the
one index page of their kind under it, created when missing), so `StoryPageFactory()` just works;
pass `parent=` to build elsewhere. StreamField values are given as raw JSON (the same shape
Wagtail stores), built with the small helpers below.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

import factory
import wagtail_factories
from django.utils import timezone
from wagtail.models import Collection, Page, Site

from .models import (
    AccessibilityStatementPage,
    FAQPage,
    HomePage,
    PolicyPage,
    StandardPage,
    StepsPage,
    StoryIndexPage,
    StoryPage,
)

# --- Where pages go by default -------------------------------------------------------------


def default_home() -> HomePage:
    """The default site's home page (migration home/0002 creates it)."""
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


class HomePageFactory(BasePageFactory):
    """A home page for another site (the default site's one already exists)."""

    title = factory.Sequence(lambda n: f"Home {n}")
    parent = factory.LazyFunction(Page.get_first_root_node)
    hero_heading = "Could you foster?"
    hero_text = "Find out about fostering with the councils in our region."

    class Meta:
        model = HomePage


class StandardPageFactory(BasePageFactory):
    title = factory.Sequence(lambda n: f"About fostering {n}")
    intro = "What the hub does and who it works with."
    body = factory.LazyFunction(lambda: stream(rich_text("<p>We answer your questions.</p>")))

    class Meta:
        model = StandardPage


class StepsPageFactory(BasePageFactory):
    title = "How to become a foster carer"
    intro = "The stages from your first call to approval."
    steps = factory.LazyFunction(
        lambda: stream(
            step("Get in touch", "<p>Call or enquire online.</p>", "Week 1"),
            step("Initial visit", "<p>We visit you at home.</p>", "Weeks 2 to 4"),
            step("Approval", "<p>The fostering panel meets you.</p>", "4 to 6 months"),
        )
    )
    body = ""

    class Meta:
        model = StepsPage


class FAQPageFactory(BasePageFactory):
    title = factory.Sequence(lambda n: f"Questions about fostering {n}")
    intro = "Answers to what people ask us most."
    body = factory.LazyFunction(
        lambda: stream(faq([("Can I foster if I rent?", "<p>Yes, if you have a spare room.</p>")]))
    )

    class Meta:
        model = FAQPage


class StoryIndexPageFactory(BasePageFactory):
    title = "Carer stories"
    intro = "Foster carers in our region tell their stories."

    class Meta:
        model = StoryIndexPage


class StoryPageFactory(BasePageFactory):
    """A carer story; `fostering_types=[type_page, ...]` tags it."""

    title = factory.Sequence(lambda n: f"A story of fostering {n}")
    parent = factory.LazyFunction(lambda: child_index(StoryIndexPage, StoryIndexPageFactory))
    carer_name = factory.Sequence(lambda n: f"Carer family {n}")
    council = None
    intro = "How we came to foster, and what it has been like."
    pull_quote = ""
    body = factory.LazyFunction(lambda: stream(rich_text("<p>It changed our lives.</p>")))
    first_published_at = factory.LazyFunction(timezone.now)

    class Meta:
        model = StoryPage
        skip_postgeneration_save = True

    @factory.post_generation
    def fostering_types(obj, create, extracted, **kwargs):
        if extracted:
            obj.fostering_types = list(extracted)
            if create:
                obj.save()


class PolicyPageFactory(BasePageFactory):
    title = factory.Sequence(lambda n: f"Privacy notice {n}")
    intro = "How we use the information you give us."
    last_updated = datetime.date(2026, 3, 12)
    body = factory.LazyFunction(lambda: stream(rich_text("<p>We keep your data safe.</p>")))

    class Meta:
        model = PolicyPage


class AccessibilityStatementPageFactory(BasePageFactory):
    title = "Accessibility statement"
    website_name = "Foster for the Region"
    intro = "<p>This website is run by the hub. You should be able to zoom in to 400%.</p>"
    how_accessible = "<p>Some older PDF documents are not fully accessible.</p>"
    feedback_and_contact = "<p>Email us for information in another format.</p>"
    reporting_problems = "<p>Tell us about any problem you find.</p>"
    compliance_status = AccessibilityStatementPage.Compliance.PARTIAL
    non_compliance = "<p>Two PDF forms have no labels.</p>"
    improvements = "<p>We are replacing the PDF forms by March.</p>"
    prepared_on = datetime.date(2026, 1, 20)
    last_reviewed_on = datetime.date(2026, 6, 1)
    last_tested_on = datetime.date(2026, 5, 15)
    tested_by = "the hub's digital team"

    class Meta:
        model = AccessibilityStatementPage
