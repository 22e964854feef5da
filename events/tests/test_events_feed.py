"""The iCal feed of upcoming events at `/events/calendar/`, fetched through the site (Wagtail
serving the index page's route) and parsed back with icalendar, as a calendar program reads it.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from core.tests.factories import child_index
from councils.tests.factories import CouncilFactory
from events.models import EventFormat, EventIndexPage
from events.tests.factories import EventIndexPageFactory, EventPageFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")

SECRET = "https://meet.example/secret-room?pwd=letmein"


def parse(body: bytes) -> tuple[Calendar, list]:
    """(the calendar, its VEVENTs in order) from an .ics body."""
    calendar = Calendar.from_ical(body)
    return calendar, list(calendar.events)


@pytest.fixture
def index(home) -> EventIndexPage:
    return child_index(EventIndexPage, EventIndexPageFactory)


def feed(client, index, **params):
    """The feed as a calendar program subscribed to it gets it."""
    return client.get(index.url + "calendar/", params)


def test_the_feed_is_served_at_its_url_as_an_inline_calendar(index, client):
    EventPageFactory(title="Soon", starts_at=_in_days(3))
    assert index.url + index.reverse_subpage("calendar_feed") == index.url + "calendar/"
    response = feed(client, index)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'inline; filename="events.ics"'
    body = response.content
    assert body.endswith(b"\r\n") and b"\n" not in body.replace(b"\r\n", b"")  # CRLF only
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))
    _calendar, (event,) = parse(body)
    assert event["SUMMARY"] == "Soon"


def test_the_feed_and_the_event_file_share_the_uid_and_both_are_stable(index, client):
    event = EventPageFactory(starts_at=_in_days(3))
    _calendar, (in_feed,) = parse(feed(client, index).content)
    _calendar, (again,) = parse(feed(client, index).content)
    (in_file,) = Calendar.from_ical(client.get(event.url + "add-to-calendar/").content).events
    assert (
        in_feed.uid
        == again.uid
        == in_file.uid
        == f"event-{event.translation_key}@events.fostering-hub"
    )


def test_feed_lists_upcoming_live_events_soonest_first(index, client):
    soon = EventPageFactory(title="Soon", starts_at=_in_days(3))
    later = EventPageFactory(title="Later", starts_at=_in_days(10))
    EventPageFactory(title="Finished", starts_at=_in_days(-3))
    draft = EventPageFactory(title="Draft", starts_at=_in_days(5))
    draft.unpublish()
    response = feed(client, index)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar, events = parse(response.content)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    assert [tz.tz_name for tz in calendar.timezones] == ["Europe/London"]  # what times refer to
    assert [event["SUMMARY"] for event in events] == ["Soon", "Later"]
    first = events[0]
    assert first["DTSTART"].params["TZID"] == "Europe/London"
    assert first.start == soon.starts_at
    assert first.end == soon.ends_at
    assert first["URL"].endswith(soon.url)
    assert first.uid != events[1].uid
    assert "Market Square" in first["LOCATION"] and "DE1 3AA" in first["LOCATION"]
    assert later.listing_summary in events[1]["DESCRIPTION"]


def test_feed_never_carries_joining_details(index, client):
    EventPageFactory(
        title="Online Q&A",
        format=EventFormat.ONLINE,
        venue_name="",
        venue_address="",
        joining_details=SECRET,
        starts_at=_in_days(2),
    )
    response = feed(client, index)
    assert b"secret-room" not in response.content and b"letmein" not in response.content
    _calendar, (event,) = parse(response.content)
    assert event["LOCATION"] == "Online"


def test_feed_for_one_council(index, councils, client):
    EventPageFactory(title="Derby's", hosts=[councils["derby"]], starts_at=_in_days(2))
    EventPageFactory(title="Nottingham's", hosts=[councils["nottingham"]], starts_at=_in_days(3))
    EventPageFactory(title="The hub's", starts_at=_in_days(4))
    calendar, events = parse(feed(client, index, council="derby").content)
    assert [event["SUMMARY"] for event in events] == ["Derby's"]
    assert "Derby City Council" in calendar.calendar_name
    _calendar, events = parse(feed(client, index).content)
    assert len(events) == 3


def test_unknown_or_inactive_council_is_not_found(index, client):
    CouncilFactory(short_name="gone", is_active=False)
    assert feed(client, index, council="nowhere").status_code == 404
    assert feed(client, index, council="gone").status_code == 404


def test_text_survives_escaping_and_folding(index, client):
    title = "Fostering; questions, answers \\ and more – " + "é" * 60
    EventPageFactory(
        title=title,
        venue_address="1 High Street,\nDerby",
        starts_at=_in_days(2),
    )
    _calendar, (event,) = parse(feed(client, index).content)
    assert event["SUMMARY"] == title
    assert event["LOCATION"] == "The Council House, 1 High Street,, Derby, DE1 3AA"


def test_clock_change_times_are_exact(index, client):
    london = LONDON
    year = datetime.date.today().year + 1
    winter = datetime.datetime(year, 1, 12, 18, tzinfo=london)
    summer = datetime.datetime(year, 7, 13, 18, tzinfo=london)
    EventPageFactory(title="Winter", starts_at=winter)
    EventPageFactory(title="Summer", starts_at=summer)
    _calendar, events = parse(feed(client, index).content)
    times = {event["SUMMARY"]: event.start for event in events}
    for event in events:
        assert event["DTSTART"].params["TZID"] == "Europe/London"
    assert {event["SUMMARY"]: event["DTSTART"].to_ical() for event in events} == {
        "Winter": f"{year}0112T180000".encode(),
        "Summer": f"{year}0713T180000".encode(),
    }
    assert times["Winter"] == winter and times["Summer"] == summer
    assert times["Winter"].astimezone(datetime.UTC).hour == 18
    assert times["Summer"].astimezone(datetime.UTC).hour == 17


def _in_days(days: int) -> datetime.datetime:
    from django.utils import timezone

    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(18)))


@pytest.mark.parametrize("council", ["%00", "derby;drop", "x" * 200])
def test_a_nonsense_council_in_the_feed_is_not_found(client, council):
    from events.tests.factories import EventPageFactory

    event = EventPageFactory()
    response = client.get(event.get_parent().url + "calendar/?council=" + council)
    assert response.status_code == 404
