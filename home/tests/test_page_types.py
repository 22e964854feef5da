"""Editors can create each page type only where it belongs in the site's structure.

The table below is the site map the hub agreed: a home page per site, one index of each kind
under it, council pages under the council index (with a council's own extra pages under its
page), types of fostering under their index, stories under the story index.
"""

from __future__ import annotations

import pytest
from wagtail.models import Page

from councils.models import CouncilIndexPage, CouncilPage
from councils.tests.factories import CouncilIndexPageFactory, CouncilPageFactory
from fostering_types.models import FosteringTypeIndexPage, FosteringTypePage
from fostering_types.tests.factories import FosteringTypeIndexPageFactory, FosteringTypePageFactory
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
from home.tests.factories import (
    AccessibilityStatementPageFactory,
    FAQPageFactory,
    PolicyPageFactory,
    StandardPageFactory,
    StepsPageFactory,
    StoryIndexPageFactory,
    StoryPageFactory,
)

# Each page type and the page types it may be created under.
ALLOWED_PARENTS = {
    HomePage: {Page},
    CouncilIndexPage: {HomePage},
    CouncilPage: {CouncilIndexPage},
    FosteringTypeIndexPage: {HomePage},
    FosteringTypePage: {FosteringTypeIndexPage},
    StandardPage: {HomePage, StandardPage, CouncilPage},
    StepsPage: {HomePage},
    FAQPage: {HomePage, CouncilPage},
    StoryIndexPage: {HomePage},
    StoryPage: {StoryIndexPage},
    PolicyPage: {HomePage},
    AccessibilityStatementPage: {HomePage},
}

# Page types a parent may hold only one of (a second would be a confusing duplicate).
ONE_PER_PARENT = {
    CouncilIndexPage: CouncilIndexPageFactory,
    FosteringTypeIndexPage: FosteringTypeIndexPageFactory,
    StepsPage: StepsPageFactory,
    StoryIndexPage: StoryIndexPageFactory,
    AccessibilityStatementPage: AccessibilityStatementPageFactory,
}


@pytest.fixture
def empty_parents(home):
    """One page of every type that can have children, each with no children yet.

    Index pages are built under a second home page, so the one-per-parent types still fit
    under the default home page.
    """
    from home.tests.factories import HomePageFactory

    other_home = HomePageFactory()
    council_index = CouncilIndexPageFactory(parent=other_home)
    type_index = FosteringTypeIndexPageFactory(parent=other_home)
    story_index = StoryIndexPageFactory(parent=other_home)
    council_page = CouncilPageFactory(parent=council_index)
    standard = StandardPageFactory(parent=other_home)
    return {
        Page: Page.get_first_root_node(),
        HomePage: home,
        CouncilIndexPage: council_index,
        CouncilPage: council_page,
        FosteringTypeIndexPage: type_index,
        FosteringTypePage: FosteringTypePageFactory(parent=type_index),
        StandardPage: standard,
        StepsPage: StepsPageFactory(parent=other_home),
        FAQPage: FAQPageFactory(parent=other_home),
        StoryIndexPage: story_index,
        StoryPage: StoryPageFactory(parent=story_index),
        PolicyPage: PolicyPageFactory(parent=other_home),
        AccessibilityStatementPage: AccessibilityStatementPageFactory(parent=other_home),
    }


@pytest.mark.parametrize("page_type", list(ALLOWED_PARENTS), ids=lambda m: m.__name__)
def test_allowed_parent_page_models(page_type):
    assert set(page_type.allowed_parent_page_models()) == ALLOWED_PARENTS[page_type]


@pytest.mark.parametrize("page_type", list(ALLOWED_PARENTS), ids=lambda m: m.__name__)
def test_can_be_created_only_under_its_parents(page_type, empty_parents):
    for parent_type, parent in empty_parents.items():
        expected = parent_type in ALLOWED_PARENTS[page_type]
        assert page_type.can_exist_under(parent) is expected, (
            f"{page_type.__name__} under {parent_type.__name__}"
        )
        assert page_type.can_create_at(parent) is expected, (
            f"{page_type.__name__} under {parent_type.__name__}"
        )


@pytest.mark.parametrize("page_type", list(ONE_PER_PARENT), ids=lambda m: m.__name__)
def test_only_one_per_parent(page_type, home):
    assert page_type.max_count_per_parent == 1
    assert page_type.can_create_at(home)
    ONE_PER_PARENT[page_type](parent=home)
    assert not page_type.can_create_at(home)


def test_types_without_a_limit_can_repeat(home):
    """Several policies (privacy, cookies) and several FAQ and standard pages are normal."""
    for factory in (PolicyPageFactory, FAQPageFactory, StandardPageFactory):
        factory(parent=home)
        factory(parent=home)
        assert factory._meta.model.can_create_at(home)
