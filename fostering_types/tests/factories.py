"""Test and demo factories for the types of fostering pages.

`FosteringTypePageFactory()` builds under the default site's types index, creating the index
when missing.
"""

from __future__ import annotations

import factory

from core.tests.factories import BasePageFactory, child_index, rich_text, stream
from fostering_types.models import FosteringTypeIndexPage, FosteringTypePage


class FosteringTypeIndexPageFactory(BasePageFactory):
    title = "Types of fostering"
    intro = "<p>Fostering fits around many kinds of family life.</p>"

    class Meta:
        model = FosteringTypeIndexPage


class FosteringTypePageFactory(BasePageFactory):
    title = factory.Sequence(lambda n: f"Short-term fostering {n}")
    parent = factory.LazyFunction(
        lambda: child_index(FosteringTypeIndexPage, FosteringTypeIndexPageFactory)
    )
    intro = "Caring for a child while plans are made for their future."
    who_it_suits = "<p>People who can welcome a child at short notice.</p>"
    commitment = "A few days to two years"
    ages = "0 to 18"
    support = "<p>A supervising social worker and 24-hour advice line.</p>"
    body = factory.LazyFunction(lambda: stream(rich_text("<p>Every placement is different.</p>")))

    class Meta:
        model = FosteringTypePage
