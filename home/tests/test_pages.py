"""Every page type renders for a visitor with its own content, links and structure."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from core.tests.factories import (
    ImageFactory,
    faq,
    image_block,
    key_figure,
    quote,
    rich_text,
    step,
    stream,
)
from councils.tests.factories import CouncilIndexPageFactory, CouncilPageFactory
from fostering_types.tests.factories import FosteringTypeIndexPageFactory, FosteringTypePageFactory
from home.tests.factories import (
    AccessibilityStatementPageFactory,
    FAQPageFactory,
    PolicyPageFactory,
    StandardPageFactory,
    StepsPageFactory,
    StoryIndexPageFactory,
    StoryPageFactory,
)
from testkit.html import parse

pytestmark = pytest.mark.django_db


def visit(client, page):
    """GET a page's URL as an anonymous visitor; it must succeed."""
    response = client.get(page.url)
    assert response.status_code == 200, f"{page.url}: {response.status_code}"
    return parse(response)


def days_ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


@pytest.fixture
def councils(home):
    index = CouncilIndexPageFactory(
        parent=home, title="Our councils", intro="<p>Choose the council closest to you.</p>"
    )
    derby = CouncilPageFactory(
        parent=index,
        council__name="Derby City Council",
        council__short_name="derby",
        title="Fostering with Derby",
        intro="Derby's children need carers close to home.",
        allowances="<p>From £450 a week per child.</p>",
        support_groups="<p>Coffee mornings every month.</p>",
        mockingbird="",
        training="<p>Skills to Foster in Derby.</p>",
        listing_image=ImageFactory(),
    )
    notts = CouncilPageFactory(
        parent=index,
        council__name="Nottingham City Council",
        council__short_name="nottingham",
        title="Fostering with Nottingham",
        intro="Nottingham's carers come from every background.",
    )
    return {"index": index, "derby": derby, "nottingham": notts}


@pytest.fixture
def types(home):
    index = FosteringTypeIndexPageFactory(
        parent=home, title="Types of fostering", intro="<p>Find the fostering that fits you.</p>"
    )
    teenagers = FosteringTypePageFactory(
        parent=index,
        title="Fostering teenagers",
        intro="Helping young people into adult life.",
        who_it_suits="<p>Patient people with a sense of humour.</p>",
        commitment="Months to years",
        ages="11 to 17",
        support="<p>Extra training on adolescence.</p>",
    )
    short_breaks = FosteringTypePageFactory(
        parent=index,
        title="Short breaks",
        intro="Regular weekends that give families a rest.",
        commitment="A weekend a month",
        ages="5 to 17",
    )
    return {"index": index, "teenagers": teenagers, "short_breaks": short_breaks}


@pytest.fixture
def stories(home, councils, types):
    index = StoryIndexPageFactory(
        parent=home, title="Carer stories", intro="Real carers, in their own words."
    )
    older = StoryPageFactory(
        parent=index,
        title="Our first year with teenagers",
        carer_name="Priya and Tom",
        council=councils["derby"].council,
        intro="We never thought we'd foster teenagers.",
        pull_quote="He taught us as much as we taught him.",
        first_published_at=days_ago(10),
        fostering_types=[types["teenagers"]],
    )
    newer = StoryPageFactory(
        parent=index,
        title="Weekends with Sam",
        carer_name="Andrea",
        council=councils["derby"].council,
        intro="Short breaks fit around my job.",
        first_published_at=days_ago(2),
        fostering_types=[types["short_breaks"], types["teenagers"]],
    )
    return {"index": index, "older": older, "newer": newer}


@pytest.fixture(autouse=True)
def _hub_enquiry_page(enquiry_page):
    """Every page here links to the enquiry form, as on the live site."""


# --- Home ----------------------------------------------------------------------------------


def test_home_page(client, home, councils, types, stories):
    home.hero_heading = "Could you foster in the East Midlands?"
    home.hero_text = "Four councils, one friendly team to answer your questions."
    home.primary_action_label = "Enquire about fostering"
    home.key_facts = stream(key_figure("1 in 3", "children in care are teenagers"))
    home.featured_story = stories["older"]
    home.save_revision().publish()

    page = visit(client, home)
    assert page.has_heading("Could you foster in the East Midlands?")
    assert page.has_text("Four councils, one friendly team to answer your questions.")
    assert any(link.text == "Enquire about fostering" for link in page.links_to("/enquire/"))
    assert page.has_text("1 in 3") and page.has_text("children in care are teenagers")
    for council_page in (councils["derby"], councils["nottingham"]):
        assert page.links_to(council_page.url), council_page.title
    for type_page in (types["teenagers"], types["short_breaks"]):
        assert page.links_to(type_page.url), type_page.title
    assert page.links_to(stories["older"].url), "the featured story"


def test_home_page_shows_the_newest_story_when_none_is_featured(client, home, stories):
    page = visit(client, home)
    assert page.links_to(stories["newer"].url)
    assert not page.links_to(stories["older"].url)


def test_home_page_leaves_out_councils_that_left(client, home, councils):
    council = councils["nottingham"].council
    council.is_active = False
    council.save()
    page = visit(client, home)
    assert page.links_to(councils["derby"].url)
    assert not page.links_to(councils["nottingham"].url)


# --- Councils ------------------------------------------------------------------------------


def test_council_index_lists_active_councils_in_order(client, councils):
    former = CouncilPageFactory(parent=councils["index"], council__is_active=False)
    page = visit(client, councils["index"])
    assert page.has_heading("Our councils")
    assert page.has_text("Choose the council closest to you.")
    derby, notts = page.links_to(councils["derby"].url), page.links_to(councils["nottingham"].url)
    assert derby and notts
    assert page.position("Fostering with Derby") < page.position("Fostering with Nottingham")
    assert not page.links_to(former.url)


def test_council_page(client, councils, stories):
    derby = councils["derby"]
    page = visit(client, derby)
    assert page.has_heading("Fostering with Derby")
    assert page.has_text("Derby City Council")
    assert page.has_text("Derby's children need carers close to home.")

    # The local offer: a heading for each section that has content, in order.
    for heading, text in [
        ("Fees and allowances", "From £450 a week per child."),
        ("Support groups", "Coffee mornings every month."),
        ("Local training", "Skills to Foster in Derby."),
    ]:
        assert page.has_heading(heading), heading
        assert page.has_text(text), text
    assert not page.has_heading("Mockingbird")
    assert (
        page.position("Fees and allowances")
        < page.position("Support groups")
        < page.position("Local training")
    )

    # One clear route to enquire, with the council chosen.
    links = page.links_to("/enquire/?council=derby")
    assert links, "a link to the enquiry form with Derby chosen"
    assert any("Enquire to foster for Derby City Council" in link.text for link in links)

    # Its carers' stories, and the council's own fostering pages.
    assert page.links_to(stories["older"].url)
    assert page.links_to(stories["newer"].url)
    assert page.links_to(derby.council.fostering_url)


def test_council_page_shows_only_its_own_stories(client, councils, stories):
    page = visit(client, councils["nottingham"])
    assert page.links_to("/enquire/?council=nottingham")
    assert not page.links_to(stories["older"].url)
    assert not page.links_to(stories["newer"].url)


# --- Types of fostering -----------------------------------------------------------------------


def test_fostering_type_index(client, types):
    page = visit(client, types["index"])
    assert page.has_heading("Types of fostering")
    assert page.has_text("Find the fostering that fits you.")
    assert page.links_to(types["teenagers"].url)
    assert page.links_to(types["short_breaks"].url)
    assert page.has_text("11 to 17") and page.has_text("Months to years")


def test_fostering_type_page(client, types, stories):
    teenagers = types["teenagers"]
    page = visit(client, teenagers)
    assert page.has_heading("Fostering teenagers")
    assert page.has_text("Helping young people into adult life.")
    assert page.has_text("11 to 17")
    assert page.has_text("Months to years")
    assert page.has_text("Patient people with a sense of humour.")
    assert page.has_text("Extra training on adolescence.")
    # Stories tagged with this type, newest first.
    newer, older = page.links_to(stories["newer"].url), page.links_to(stories["older"].url)
    assert newer and older
    assert page.position("Weekends with Sam") < page.position("Our first year with teenagers")
    assert page.links_to("/enquire/")


def test_fostering_type_page_lists_only_its_stories(client, types, stories):
    page = visit(client, types["short_breaks"])
    assert page.links_to(stories["newer"].url)
    assert not page.links_to(stories["older"].url)


# --- Stories -----------------------------------------------------------------------------------


def test_story_index_lists_stories_newest_first(client, stories):
    draft = StoryPageFactory(parent=stories["index"], title="Not ready yet", live=False)
    page = visit(client, stories["index"])
    assert page.has_heading("Carer stories")
    assert page.has_text("Real carers, in their own words.")
    assert page.links_to(stories["newer"].url) and page.links_to(stories["older"].url)
    assert page.position("Weekends with Sam") < page.position("Our first year with teenagers")
    assert not page.links_to(draft.url)


def test_story_index_is_paginated(client, stories):
    oldest = [
        StoryPageFactory(parent=stories["index"], first_published_at=days_ago(days))
        for days in range(20, 32)
    ][-2:]
    first = visit(client, stories["index"])  # 14 stories, 12 a page
    assert first.links_to(stories["newer"].url)
    assert not any(first.links_to(story.url) for story in oldest)
    assert any(link.href.endswith("page=2") for link in first.links)
    response = client.get(stories["index"].url, {"page": 2})
    assert response.status_code == 200
    second = parse(response)
    assert all(second.links_to(story.url) for story in oldest)
    assert not second.links_to(stories["newer"].url)


def test_story_page(client, stories, councils, types):
    story = stories["older"]
    story.body = stream(
        rich_text("<p>The first night he didn't say a word.</p>"),
        quote("Be patient, it comes.", "Tom, foster carer"),
    )
    story.save_revision().publish()
    page = visit(client, story)
    assert page.has_heading("Our first year with teenagers")
    assert page.has_text("Priya and Tom")
    assert page.has_text("We never thought we'd foster teenagers.")
    assert page.has_text("He taught us as much as we taught him.")
    assert page.has_text("The first night he didn't say a word.")
    assert page.has_text("Be patient, it comes.") and page.has_text("Tom, foster carer")
    assert page.links_to(types["teenagers"].url)
    assert page.has_text("Fostering for") and page.has_text("Derby City Council")


# --- General pages -------------------------------------------------------------------------------


def test_standard_page(client, home):
    image = ImageFactory(title="Carers at an event")
    standard = StandardPageFactory(
        parent=home,
        title="About the hub",
        intro="One front door for fostering in the region.",
        body=stream(
            rich_text("<h2>Who we are</h2><p>A team working for four councils.</p>"),
            image_block(image, "Carers chatting at a coffee morning"),
        ),
    )
    page = visit(client, standard)
    assert page.has_heading("About the hub")
    assert page.has_text("One front door for fostering in the region.")
    assert page.has_heading("Who we are")
    assert page.has_text("A team working for four councils.")
    assert any(img.get("alt") == "Carers chatting at a coffee morning" for img in page.images)


def test_standard_page_under_a_council_page(client, councils):
    extra = StandardPageFactory(parent=councils["derby"], title="Derby support in detail")
    page = visit(client, extra)
    assert page.has_heading("Derby support in detail")
    assert page.links_to(councils["derby"].url), "breadcrumbs lead back to the council"


def test_steps_page_lists_the_stages_in_order(client, home):
    steps_page = StepsPageFactory(
        parent=home,
        title="How to become a foster carer",
        intro="Six stages, usually about six months.",
        steps=stream(
            step("Make an enquiry", "<p>Call us or fill in the form.</p>", "Day 1"),
            step("Home visit", "<p>A social worker visits you.</p>", "Weeks 2 to 4"),
            step("Skills to Foster", "<p>Three days of training.</p>", "Month 2"),
            step("Fostering panel", "<p>The panel recommends approval.</p>", "Months 4 to 6"),
        ),
    )
    page = visit(client, steps_page)
    assert page.has_heading("How to become a foster carer")
    assert page.has_text("Six stages, usually about six months.")
    titles = ["Make an enquiry", "Home visit", "Skills to Foster", "Fostering panel"]
    positions = [page.position(title) for title in titles]
    assert all(position >= 0 for position in positions)
    assert positions == sorted(positions)
    for text in ("Day 1", "Weeks 2 to 4", "Three days of training.", "Months 4 to 6"):
        assert page.has_text(text)
    html = client.get(steps_page.url).content.decode()
    assert re.search(r"<ol[\s>]", html), "the stages are an ordered list"


def test_faq_page_shows_questions_as_disclosures(client, home):
    faq_page = FAQPageFactory(
        parent=home,
        title="Fostering questions",
        intro="What people ask before they enquire.",
        body=stream(
            faq(
                [
                    ("Can I foster if I work full time?", "<p>Yes, for some types.</p>"),
                    ("Do I need a spare room?", "<p>Yes, each child needs a bedroom.</p>"),
                ],
                heading="Before you apply",
            )
        ),
    )
    page = visit(client, faq_page)
    assert page.has_heading("Fostering questions")
    assert page.has_heading("Before you apply")
    summaries = [details.summary for details in page.details]
    assert "Can I foster if I work full time?" in summaries
    assert "Do I need a spare room?" in summaries
    answers = {d.summary: d.text for d in page.details}
    assert "Yes, each child needs a bedroom." in answers["Do I need a spare room?"]


def test_policy_page_shows_when_it_was_updated(client, home):
    policy = PolicyPageFactory(
        parent=home,
        title="Privacy notice",
        intro="How we use your information.",
        last_updated=datetime.date(2026, 3, 12),
        body=stream(rich_text("<h2>What we collect</h2><p>Your name and phone number.</p>")),
    )
    page = visit(client, policy)
    assert page.has_heading("Privacy notice")
    assert page.has_text("How we use your information.")
    assert page.has_heading("What we collect")
    assert re.search(r"last updated\W+(on )?12 march 2026", page.text.lower())


def test_accessibility_statement_has_the_required_sections(client, home):
    statement = AccessibilityStatementPageFactory(parent=home, website_name="Foster East Mids")
    page = visit(client, statement)
    assert page.has_heading("Accessibility statement for Foster East Mids")
    for heading in (
        "How accessible this website is",
        "Feedback and contact information",
        "Reporting accessibility problems with this website",
        "Enforcement procedure",
        "Technical information about this website's accessibility",
        "Compliance status",
        "Non-accessible content",
        "What we're doing to improve accessibility",
        "Preparation of this accessibility statement",
    ):
        assert page.has_heading(heading), heading
    assert page.has_text("partially compliant")
    assert page.has_text("Equality Advisory and Support Service")  # the enforcement wording
    assert page.has_text("Two PDF forms have no labels.")
    assert page.has_text("20 January 2026")  # prepared on
    assert page.has_text("15 May 2026")  # last tested on
    assert page.has_text("the hub's digital team")


def test_fully_compliant_statement_says_so(client, home):
    statement = AccessibilityStatementPageFactory(
        parent=home,
        compliance_status="full",
        non_compliance="",
        website_name="Foster East Mids",
    )
    page = visit(client, statement)
    assert page.has_text("fully compliant")
    assert not page.has_text("partially compliant")
    assert not page.has_heading("Non-accessible content")
