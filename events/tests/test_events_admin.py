"""Event bookings in the admin: who sees which booking, exports, attendance and event numbers.

Hub enquiry officers see every booking; a council's fostering staff see only the bookings for
events their council hosts (anything else answers 404, like a booking that does not exist);
hub comms officers and marketing leads see counts per event and no names. Each rule is checked
with the pages a person would use, as a real user in the groups `sync_roles()` makes.
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from wagtail.models import GroupPagePermission, ModelLogEntry

from accounts.roles import sync_roles
from events.admin_views import ATTENDANCE_ACTION
from events.models import EventIndexPage, Registration
from events.querysets import visible_registrations
from events.tests.factories import EventPageFactory
from testkit.admin import assert_refused, comms_group
from testkit.clients import StaffClient

pytestmark = pytest.mark.django_db


def book(event, first_name: str, *, places: int = 1, status=Registration.Status.CONFIRMED, **kw):
    return Registration.objects.create(
        event=event,
        first_name=first_name,
        last_name=kw.pop("last_name", "Booker"),
        email=kw.pop("email", f"{first_name.lower()}@example.org"),
        postcode=kw.pop("postcode", "DE1 1AA"),
        places=places,
        status=status,
        **kw,
    )


@pytest.fixture
def events(councils):
    return {
        "derby": EventPageFactory(title="Derby evening", hosts=[councils["derby"]]),
        "nottingham": EventPageFactory(title="Nottingham morning", hosts=[councils["nottingham"]]),
        "hub": EventPageFactory(title="Hub online Q&A"),
    }


@pytest.fixture
def bookings(events):
    return {
        "derby": book(events["derby"], "Dora", places=2, access_needs="Step-free access please"),
        "derby_waiting": book(events["derby"], "Wanda", status=Registration.Status.WAITING),
        "nottingham": book(events["nottingham"], "Nell"),
        "hub": book(events["hub"], "Hugo"),
    }


def index(**params) -> str:
    from urllib.parse import urlencode

    url = reverse("event_bookings:index")
    return f"{url}?{urlencode(params)}" if params else url


def shown(response) -> set[str]:
    """The booking references a page shows."""
    assert response.status_code == 200
    text = response.content.decode()
    return {r.reference for r in Registration.objects.all() if r.reference in text}


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def xlsx_rows(response) -> list[tuple]:
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return list(sheet.iter_rows(values_only=True))


def refs(rows) -> set[str]:
    return {row[0] for row in rows[1:]}


def started(event, *, minutes_ago: int = 30) -> None:
    """Move the event so that it began a little while ago (attendance is marked from then)."""
    length = event.ends_at - event.starts_at
    event.starts_at = timezone.now() - timedelta(minutes=minutes_ago)
    event.ends_at = event.starts_at + length
    event.save()


def attendance(client, registration, value: str, **extra):
    return client.post(
        reverse("event_bookings:attendance", args=[registration.pk]),
        {"attended": value, **extra},
    )


# --- Hub enquiry officers: everything ------------------------------------------------------------


def test_hub_enquiry_officers_see_every_booking(people, bookings, client):
    client.force_login(people["hub"])
    everything = {b.reference for b in bookings.values()}
    assert shown(client.get(index())) == everything
    assert refs(csv_rows(client.get(index(export="csv")))) == everything
    assert refs(xlsx_rows(client.get(index(export="xlsx")))) == everything


def test_the_list_shows_name_places_status_booked_access_needs_and_attendance(
    people, bookings, client
):
    started(bookings["derby"].event)  # on the day
    client.force_login(people["hub"])
    text = client.get(index(event=bookings["derby"].event_id)).content.decode()
    for expected in (
        "Dora Booker",
        "Step-free access please",
        "On the waiting list",
        "Confirmed",
        "Not recorded",
        "csrfmiddlewaretoken",
        reverse("event_bookings:attendance", args=[bookings["derby"].pk]),
    ):
        assert expected in text
    # No attendance form for someone on the waiting list (they had no place to come to).
    assert reverse("event_bookings:attendance", args=[bookings["derby_waiting"].pk]) not in text


# --- A council's fostering staff: their council's events only -----------------------------------


def test_council_staff_see_only_bookings_for_events_their_council_hosts(people, bookings, client):
    client.force_login(people["derby"])
    derbys = {bookings["derby"].reference, bookings["derby_waiting"].reference}
    assert shown(client.get(index())) == derbys
    assert refs(csv_rows(client.get(index(export="csv")))) == derbys
    assert refs(xlsx_rows(client.get(index(export="xlsx")))) == derbys
    # Filtering by another council's event does not widen what they see.
    other = index(event=bookings["nottingham"].event_id)
    assert bookings["nottingham"].reference not in shown(client.get(other))
    assert bookings["nottingham"].reference not in refs(csv_rows(client.get(other + "&export=csv")))
    # The event filter offers only their events.
    text = client.get(index()).content.decode()
    assert "Derby evening" in text and "Nottingham morning" not in text


def test_an_event_hosted_by_two_councils_is_seen_by_both(people, councils, client):
    shared = EventPageFactory(
        title="Joint evening", hosts=[councils["derby"], councils["nottingham"]]
    )
    booking = book(shared, "Jo")
    for who in ("derby", "nottingham"):
        client.force_login(people[who])
        assert shown(client.get(index())) == {booking.reference}


def test_council_staff_cannot_mark_another_councils_booking(people, bookings, client):
    for key in ("derby", "nottingham", "hub"):
        started(bookings[key].event)
    client.force_login(people["derby"])
    for key in ("nottingham", "hub"):
        assert attendance(client, bookings[key], "yes").status_code == 404
        bookings[key].refresh_from_db()
        assert bookings[key].attended is None
    response = attendance(client, bookings["derby"], "yes")
    assert response.status_code == 302
    bookings["derby"].refresh_from_db()
    assert bookings["derby"].attended is True


def test_the_row_rule_is_one_queryset_method(people, bookings):
    assert set(visible_registrations(people["hub"])) == set(bookings.values())
    assert set(visible_registrations(people["derby"])) == {
        bookings["derby"],
        bookings["derby_waiting"],
    }
    for who in ("marketing", "hub_comms", "derby_comms"):
        assert not visible_registrations(people[who]).exists()


# --- Counts only: hub comms officers and marketing leads ----------------------------------------


@pytest.mark.parametrize("who", ["marketing", "hub_comms", "derby_comms"])
def test_people_without_the_bookings_role_see_no_names(who, people, bookings, client):
    client.force_login(people[who])
    assert_refused(client.get(index()))
    assert_refused(client.get(index(export="csv")))
    assert_refused(attendance(client, bookings["derby"], "yes"))
    bookings["derby"].refresh_from_db()
    assert bookings["derby"].attended is None


@pytest.mark.parametrize("who", ["marketing", "hub_comms"])
def test_comms_and_marketing_see_counts_per_event(who, people, events, bookings, client):
    bookings["derby"].attended = True
    bookings["derby"].save()
    book(events["derby"], "Noel", places=3, attended=False)
    book(events["derby"], "Cass", status=Registration.Status.CANCELLED)
    client.force_login(people[who])
    response = client.get(reverse("event_numbers"))
    assert response.status_code == 200
    rows = {event.title: event for event in response.context["events"]}
    assert set(rows) == {"Derby evening", "Nottingham morning", "Hub online Q&A"}
    derby = rows["Derby evening"]
    assert (derby.bookings, derby.places_booked, derby.waiting) == (2, 5, 1)
    assert (derby.attended_count, derby.no_shows) == (1, 1)
    assert derby.bookings_url == ""  # no link to names
    text = response.content.decode()
    for name in ("Dora", "Wanda", "Noel", "Nell", "@example.org"):
        assert name not in text


def test_council_staff_see_numbers_for_their_events_with_a_link_to_the_bookings(
    people, events, bookings, client
):
    client.force_login(people["derby"])
    response = client.get(reverse("event_numbers"))
    rows = {event.title: event for event in response.context["events"]}
    assert set(rows) == {"Derby evening"}
    assert rows["Derby evening"].bookings_url == index(event=events["derby"].pk)


def test_event_numbers_count_live_events_only_past_ones_included(people, events, client):
    """Draft copies of a series (and any other unpublished event) are not events people can
    book, so they are not counted; an event that has happened stays, with its attendance."""
    draft = EventPageFactory(title="Derby evening (draft copy)", live=False)
    past = EventPageFactory(
        title="Last month's coffee morning",
        starts_at=timezone.now() - timedelta(days=30),
        ends_at=timezone.now() - timedelta(days=30) + timedelta(hours=2),
    )
    book(past, "Pat", attended=True)
    client.force_login(people["hub_comms"])
    response = client.get(reverse("event_numbers"))
    rows = {event.title: event for event in response.context["events"]}
    assert draft.title not in rows
    assert set(rows) == {"Derby evening", "Nottingham morning", "Hub online Q&A", past.title}
    assert rows[past.title].attended_count == 1
    assert draft.title not in response.content.decode()


def test_event_numbers_are_refused_to_people_with_no_events_role(people, make_user, client):
    client.force_login(people["derby_comms"])
    assert_refused(client.get(reverse("event_numbers")))


# --- Attendance ----------------------------------------------------------------------------------


def test_marking_attendance_is_recorded_in_the_audit_log(people, bookings, client):
    started(bookings["derby"].event)
    client.force_login(people["hub"])
    back = index(event=bookings["derby"].event_id)
    response = attendance(client, bookings["derby"], "no", next=back)
    assert response.status_code == 302 and response.url == back
    bookings["derby"].refresh_from_db()
    assert bookings["derby"].attended is False
    entry = ModelLogEntry.objects.get(action=ATTENDANCE_ACTION)
    assert entry.user == people["hub"]
    assert entry.object_id == str(bookings["derby"].pk)
    assert entry.data == {"attended": False}
    assert "Dora" not in entry.label  # the log names the reference, not the person

    attendance(client, bookings["derby"], "unknown")
    bookings["derby"].refresh_from_db()
    assert bookings["derby"].attended is None


def test_attendance_is_marked_only_once_the_event_has_started(people, bookings, client):
    booking = bookings["derby"]  # the event is a week away
    client.force_login(people["hub"])
    listing = client.get(index(event=booking.event_id)).content.decode()
    assert "Did not come" not in listing  # no buttons to mark it yet
    assert "Attendance can be recorded from the start of the event" in listing
    response = attendance(client, booking, "yes")
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.attended is None
    assert not ModelLogEntry.objects.filter(action=ATTENDANCE_ACTION).exists()
    shown_next = client.get(response.url).content.decode()
    assert "Attendance can be recorded from the start of the event" in shown_next

    started(booking.event)
    assert "Did not come" in client.get(index(event=booking.event_id)).content.decode()
    attendance(client, booking, "yes")
    booking.refresh_from_db()
    assert booking.attended is True


def test_attendance_is_for_confirmed_bookings_only(people, bookings, client):
    client.force_login(people["hub"])
    attendance(client, bookings["derby_waiting"], "yes")
    bookings["derby_waiting"].refresh_from_db()
    assert bookings["derby_waiting"].attended is None


def test_attendance_goes_back_only_to_this_site(people, bookings, client):
    client.force_login(people["hub"])
    response = attendance(client, bookings["derby"], "yes", next="https://evil.example/")
    assert response.url == index(event=bookings["derby"].event_id)


def test_attendance_needs_a_post_with_the_csrf_token(people, bookings):
    client = StaffClient(enforce_csrf_checks=True)
    client.force_login(people["hub"])
    url = reverse("event_bookings:attendance", args=[bookings["derby"].pk])
    assert client.get(url).status_code == 405
    assert client.post(url, {"attended": "yes"}).status_code == 403
    bookings["derby"].refresh_from_db()
    assert bookings["derby"].attended is None


def test_attendance_filter_and_status_filter(people, bookings, client):
    bookings["derby"].attended = True
    bookings["derby"].save()
    client.force_login(people["hub"])
    assert shown(client.get(index(attended="yes"))) == {bookings["derby"].reference}
    assert bookings["derby"].reference not in shown(client.get(index(attended="unknown")))
    assert shown(client.get(index(status="waiting"))) == {bookings["derby_waiting"].reference}


# --- Export ----------------------------------------------------------------------------------------


def test_export_neutralises_formulas(people, events, client):
    booking = book(
        events["hub"],
        '=HYPERLINK("https://evil.example","click")',
        last_name="+SUM(A1)",
        access_needs="@cmd",
    )
    client.force_login(people["hub"])
    header, row = csv_rows(client.get(index(export="csv")))
    values = dict(zip(header, row, strict=True))
    assert values["Reference"] == booking.reference
    assert values["First name"].startswith("'=HYPERLINK")
    assert values["Last name"] == "'+SUM(A1)"
    assert values["Access needs"] == "'@cmd"
    assert values["Places"] == "1"
    assert values["Attended"] == "Not recorded"
    header, row = xlsx_rows(client.get(index(export="xlsx")))
    values = dict(zip(header, row, strict=True))
    assert values["First name"].startswith("'=HYPERLINK")
    assert values["Last name"] == "'+SUM(A1)"


# --- Roles -------------------------------------------------------------------------------------------


def test_council_comms_officers_may_draft_events_under_the_events_index(councils, events):
    sync_roles()  # the events index exists now
    index_page = EventIndexPage.objects.get()
    group = comms_group(councils["derby"])
    codenames = set(
        GroupPagePermission.objects.filter(group=group, page=index_page).values_list(
            "permission__codename", flat=True
        )
    )
    assert codenames == {"add_page"}


def test_roles_carry_the_bookings_permissions(people):
    def perms(user) -> set[str]:
        return {p for p in user.get_all_permissions() if p.startswith("events.")}

    assert perms(people["hub"]) == {
        "events.view_registration",
        "events.change_registration",
        "events.view_event_numbers",
    }
    assert perms(people["derby"]) == {"events.view_registration", "events.change_registration"}
    assert perms(people["marketing"]) == {"events.view_event_numbers"}
    assert perms(people["hub_comms"]) == {"events.view_event_numbers"}
    assert perms(people["derby_comms"]) == set()
    assert not Permission.objects.filter(
        group__in=people["derby"].groups.all(), codename="delete_registration"
    ).exists()
