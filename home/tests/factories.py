"""Test and demo factories for the hub's general pages (home, standard, steps, FAQ, stories, policies).

The shared pieces (default parents, images, StreamField JSON helpers) are in `core.tests.factories`.
"""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone
from wagtail.models import Page

from core.tests.factories import BasePageFactory, child_index, faq, rich_text, step, stream
from home.models import (
    AccessibilityStatementPage,
    FAQPage,
    HomePage,
    PolicyPage,
    StandardPage,
    StepsPage,
    StoryIndexPage,
    StoryPage,
)


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
