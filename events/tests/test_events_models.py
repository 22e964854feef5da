"""Event pages and their listing rules: the upcoming list, the archive and a council's events."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from councils.tests.factories import CouncilFactory
from events.models import EventFormat, EventPage
from events.tests.factories import EventPageFactory

pytestmark = pytest.mark.django_db


def test_upcoming_is_soonest_first_and_the_archive_most_recent_first():
    now = timezone.now()
    later = EventPageFactory(starts_at=now + datetime.timedelta(days=9))
    sooner = EventPageFactory(starts_at=now + datetime.timedelta(days=2))
    # Started an hour ago, ends in an hour: still upcoming (people can still find it).
    running = EventPageFactory(
        starts_at=now - datetime.timedelta(hours=1), ends_at=now + datetime.timedelta(hours=1)
    )
    ended = EventPageFactory(
        starts_at=now - datetime.timedelta(days=3),
        ends_at=now - datetime.timedelta(days=3, hours=-2),
    )
    older = EventPageFactory(
        starts_at=now - datetime.timedelta(days=30),
        ends_at=now - datetime.timedelta(days=30, hours=-2),
    )
    assert list(EventPage.objects.live().upcoming()) == [running, sooner, later]
    assert list(EventPage.objects.live().past()) == [ended, older]


def test_a_councils_events():
    derby = CouncilFactory(name="Derby City Council", short_name="derby")
    theirs = EventPageFactory(hosts=[derby])
    EventPageFactory()  # the hub's own
    assert list(EventPage.objects.hosted_by(derby)) == [theirs]


def test_an_event_ends_after_it_starts_and_has_what_people_need_to_get_there():
    event = EventPageFactory.build(
        starts_at=timezone.now(), ends_at=timezone.now() - datetime.timedelta(hours=1)
    )
    with pytest.raises(ValidationError) as error:
        event.clean()
    assert "ends_at" in error.value.message_dict
    online = EventPageFactory.build(format=EventFormat.ONLINE, joining_details="")
    with pytest.raises(ValidationError) as error:
        online.clean()
    assert "joining_details" in error.value.message_dict
    in_person = EventPageFactory.build(venue_name="", venue_address="")
    with pytest.raises(ValidationError) as error:
        in_person.clean()
    assert "venue_address" in error.value.message_dict
