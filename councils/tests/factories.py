"""Test and demo factories for partner councils and their pages.

`CouncilFactory` makes valid records (a real-looking ONS code, a slug short name, postcode
districts that no other factory-made council covers). `CouncilPageFactory()` builds under the
council index of the default site, creating the index when missing.
"""

from __future__ import annotations

import string

import factory
from factory.django import DjangoModelFactory

from core.tests.factories import BasePageFactory, child_index, rich_text, stream
from councils.models import Council, CouncilIndexPage, CouncilPage


def district_prefix(n: int) -> str:
    """Two letters unique for each n below 676: 'AA', 'AB', ... (postcode-area shaped)."""
    letters = string.ascii_uppercase
    return letters[(n // 26) % 26] + letters[n % 26]


class CouncilFactory(DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Northby {n} Council")
    short_name = factory.Sequence(lambda n: f"northby-{n}")
    official_code = factory.Sequence(lambda n: f"E06{n + 1:06d}")
    website_domains = factory.Sequence(lambda n: f"northby{n}.gov.uk")
    fostering_url = factory.LazyAttribute(lambda c: f"https://{c.website_domains}/fostering")
    postcode_districts = factory.Sequence(
        lambda n: f"{district_prefix(n)}1 {district_prefix(n)}2 {district_prefix(n)}10"
    )
    handover_email = factory.LazyAttribute(lambda c: f"fostering@{c.website_domains}")
    is_active = True

    class Meta:
        model = Council


class CouncilIndexPageFactory(BasePageFactory):
    title = "Our councils"
    intro = "<p>Foster with one of the councils in our partnership.</p>"

    class Meta:
        model = CouncilIndexPage


class CouncilPageFactory(BasePageFactory):
    council = factory.SubFactory(CouncilFactory)
    title = factory.LazyAttribute(lambda page: f"Fostering with {page.council.name}")
    parent = factory.LazyFunction(lambda: child_index(CouncilIndexPage, CouncilIndexPageFactory))
    intro = "Foster for your local council and stay close to home."
    allowances = "<p>Weekly allowances for each child, plus a fee for your skills.</p>"
    support_groups = "<p>Monthly support groups in every area.</p>"
    mockingbird = ""
    training = "<p>Skills to Foster training, then bite-size courses online.</p>"
    body = factory.LazyFunction(lambda: stream(rich_text("<p>Our carers say we listen.</p>")))

    class Meta:
        model = CouncilPage
