"""Test and demo factories for enquiries and the enquiry page.

`EnquiryFactory` saves an enquiry the way the form does, through `record_enquiry`, so every
factory-made enquiry has a reference, a history row and its queued notifications.
"""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from core.tests.factories import BasePageFactory
from enquiry.models import (
    ContactMethod,
    ContactTime,
    EnquiryPage,
    HearAboutOption,
    ReceivedVia,
    SpareBedroom,
)
from enquiry.services import EnquiryDetails, record_enquiry


class EnquiryPageFactory(BasePageFactory):
    title = "Enquire about fostering"
    slug = "enquire"
    intro = "<p>Tell us a little about yourself and we will call you for a friendly chat.</p>"
    response_time = "within two working days"
    what_happens_next = (
        "<ol><li>We call you at a time that suits you.</li>"
        "<li>We arrange a visit to your home.</li></ol>"
    )
    privacy_summary = "<p>We use your details only to answer your enquiry.</p>"

    class Meta:
        model = EnquiryPage


class HearAboutOptionFactory(DjangoModelFactory):
    label = factory.Sequence(lambda n: f"Heard about us {n}")
    is_active = True

    class Meta:
        model = HearAboutOption


class EnquiryFactory(factory.Factory):
    """EnquiryFactory(council=derby, email=...) -> a saved Enquiry."""

    first_name = factory.Sequence(lambda n: f"Sam{n}")
    last_name = "Taylor"
    email = factory.Sequence(lambda n: f"person{n}@example.org")
    phone = "07700 900123"
    postcode = "DE1 2AB"
    spare_bedroom = SpareBedroom.YES
    contact_method = ContactMethod.PHONE
    contact_time = ContactTime.ANY
    council = None
    fostering_types = factory.LazyFunction(list)
    question = ""
    heard_about = None
    consents = factory.LazyFunction(dict)

    class Meta:
        model = EnquiryDetails

    @classmethod
    def _create(
        cls, model_class, *args, received_via=ReceivedVia.WEBSITE, entered_by=None, **kwargs
    ):
        enquiry, _created = record_enquiry(
            model_class(**kwargs), received_via=received_via, entered_by=entered_by
        )
        return enquiry
