"""Test and demo factories for events.

`EventPageFactory()` makes a published in-person information session a week from now under the
one events index (created when missing); pass `starts_at=`, `format=`, `capacity=`, `hosts=`
(councils) as needed. Bookings are made through `events.services.book`, like the form does.
"""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from core.tests.factories import BasePageFactory, child_index
from events.models import EventFormat, EventIndexPage, EventPage, EventType


class EventIndexPageFactory(BasePageFactory):
    title = "Information events"
    slug = "events"
    intro = "<p>Come and find out about fostering at a relaxed event.</p>"

    class Meta:
        model = EventIndexPage


def _next_week_at(hour: int) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=7)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


class EventPageFactory(BasePageFactory):
    title = factory.Sequence(lambda n: f"Fostering information evening {n}")
    parent = factory.LazyFunction(lambda: child_index(EventIndexPage, EventIndexPageFactory))
    event_type = EventType.INFORMATION_SESSION
    starts_at = factory.LazyFunction(lambda: _next_week_at(18))
    ends_at = factory.LazyAttribute(lambda event: event.starts_at + datetime.timedelta(hours=2))
    format = EventFormat.IN_PERSON
    venue_name = "The Council House"
    venue_address = "Market Square, Derby"
    venue_postcode = "DE1 3AA"
    access_information = "Step-free entrance on the left. Accessible toilet on the ground floor."
    joining_details = ""
    capacity = 20
    listing_summary = "Meet our team and local foster carers and ask your questions."

    class Meta:
        model = EventPage
        skip_postgeneration_save = True

    @factory.post_generation
    def hosts(self, create: bool, extracted, **kwargs) -> None:
        if create and extracted:
            self.hosts.set(extracted)
            self.save()
