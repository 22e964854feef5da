"""Event bookings under the data protection rules of enquiries: they are in the subject access
export; erasing a person anonymises their bookings (reports still count them) and cancels the
messages still waiting about them; retention anonymises bookings once their event ended
ENQUIRY_RETENTION_MONTHS ago, or with the later enquiry they are linked to."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from attribution.tests.factories import CampaignFactory
from enquiry.data_protection import (
    apply_retention,
    erase_person,
    months_before,
    preview_erasure,
    subject_access_csv,
    subject_access_export,
)
from enquiry.models import ErasureRecord, KeepInTouchConsent
from enquiry.tests.factories import EnquiryFactory
from events.models import Registration
from events.services import BookingDetails, record_consents
from events.services import book as make_booking
from events.tests.factories import EventPageFactory
from outbox.models import OutboxMessage
from outbox.queue import queue_email
from testkit.enquiries import closed, months_ago
from testkit.outbox import set_hub_inbox

pytestmark = pytest.mark.django_db

CONSENT = {
    "channel": "email",
    "wording": "Email me about future events. I can stop this at any time.",
    "language": "en-gb",
    "given_at": "2026-01-20T10:00:00+00:00",
    "ended_at": None,
}
PERSONAL = ("first_name", "last_name", "email", "phone", "postcode", "access_needs")


def ended(months: int, days: int = 0) -> datetime:
    """A start time so that a two-hour event ended `months` months (and `days` days) ago."""
    day = months_ago(months) - timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, datetime.min.time())) - timedelta(hours=3)


def book(event, *, email: str, **fields) -> Registration:
    defaults = {
        "first_name": "Jo",
        "last_name": "Bloggs",
        "phone": "07700 900111",
        "postcode": "DE1 2AB",
        "postcode_district": "DE1",
        "access_needs": "Wheelchair user; please reserve a space near the door",
    }
    registration = Registration.objects.create(event=event, email=email, **{**defaults, **fields})
    record_consents(
        registration,
        {CONSENT["channel"]: CONSENT["wording"]},
        CONSENT["language"],
        given_at=datetime.fromisoformat(CONSENT["given_at"]),
    )
    return registration


def reminder(registration: Registration, to: str) -> OutboxMessage:
    return queue_email(
        topic="events.reminder",
        to=[to],
        subject=f"Your booking {registration.reference}: tomorrow",
        body="See you tomorrow.",
        reference=registration.reference,
    )


@pytest.fixture
def people(home):
    set_hub_inbox()
    event = EventPageFactory(title="Derby information evening")
    enquiry = EnquiryFactory(first_name="Jo", email="jo.bloggs@example.org")
    jo = book(event, email="Jo.Bloggs@Example.ORG", places=2, attended=True, enquiry=enquiry)
    # Booked under a work address but linked to Jo's enquiry: also Jo's.
    jo_work = book(
        event, email="jo@work.example.com", status=Registration.Status.WAITING, enquiry=enquiry
    )
    alex = book(
        event,
        email="alex@example.org",
        first_name="Alex",
        last_name="Other",
        phone="07700 900999",
        postcode="NG1 1AA",
        access_needs="Private detail",
    )
    return {"event": event, "enquiry": enquiry, "jo": jo, "jo_work": jo_work, "alex": alex}


# --- Subject access ----------------------------------------------------------------------------


def test_the_export_holds_the_persons_bookings_and_nobody_elses(people):
    jo, jo_work, alex = people["jo"], people["jo_work"], people["alex"]
    reminder(jo, "Jo.Bloggs@Example.ORG")
    queue_email(
        topic="events.staff_notice",
        to=["events@hub.example.org"],
        subject=f"New booking {jo_work.reference}",
        body="A booking was made.",
        reference=jo_work.reference,
    )
    reminder(alex, "alex@example.org")

    export = subject_access_export("jo.bloggs@EXAMPLE.org")

    records = {record["reference"]: record for record in export["sections"]["event_bookings"]}
    assert set(records) == {jo.reference, jo_work.reference}
    record = records[jo.reference]
    assert record["event"] == "Derby information evening"
    assert record["event_starts_at"] and record["booked_at"]
    assert record["places"] == 2
    assert record["status"] == "Confirmed"
    assert records[jo_work.reference]["status"] == "On the waiting list"
    assert record["access_needs"] == "Wheelchair user; please reserve a space near the door"
    assert record["email"] == "Jo.Bloggs@Example.ORG"
    assert record["phone"] == "07700 900111" and record["postcode"] == "DE1 2AB"
    assert record["attended"] == "Yes"
    assert records[jo_work.reference]["attended"] == "Not recorded"
    assert record["later_enquiry"] == people["enquiry"].reference
    (consent,) = record["consents"]
    assert CONSENT["wording"] in consent and "given 2026-01-20" in consent

    messages = {m["reference"]: m for m in export["sections"]["outgoing_messages"]}
    assert messages[jo.reference]["sent_to"] == "jo.bloggs@EXAMPLE.org"
    assert jo_work.reference in messages  # a message about Jo's booking, sent to staff

    text = json.dumps(export)
    for detail in (alex.reference, "Alex", "alex@example.org", "07700 900999", "Private detail"):
        assert detail not in text

    csv_text = subject_access_csv(export)
    assert csv_text.count("\nevent booking,") == 2
    assert "Wheelchair user" in csv_text


def test_the_export_says_where_a_booking_came_from_in_plain_words(home, councils):
    """A booking's attribution (touches, channel, campaign, owner) is the person's data too."""
    set_hub_inbox()
    CampaignFactory(
        name="Derby bus sides",
        code="derby-bus-sides",
        council=councils["derby"],
        channel="offline",
        source="bus-side",
        medium="outdoor",
    )
    first = {"referrer_domain": "www.bbc.co.uk", "at": "2026-04-01T08:15:00+00:00"}
    last = {
        "utm_source": "bus-side",
        "utm_medium": "outdoor",
        "utm_campaign": "derby-bus-sides",
        "landing_path": "/events/",
        "via_short_link": True,
        "at": "2026-04-03T12:00:00+00:00",
    }
    details = BookingDetails(
        first_name="Jo", last_name="Bloggs", email="jo@example.org", postcode="DE1 2AB"
    )
    registration, _created = make_booking(EventPageFactory(), details, touches=(first, last))

    (record,) = subject_access_export("jo@example.org")["sections"]["event_bookings"]

    assert record["reference"] == registration.reference
    assert record["came_from"] == (
        "Came from: bus-side (offline: print, outdoor and events), campaign 'Derby bus sides', "
        "landing page /events/, tags utm_source=bus-side, utm_medium=outdoor, "
        "utm_campaign=derby-bus-sides"
    )
    assert record["marketing_channel"] == "Offline: print, outdoor and events"
    assert record["campaign"] == "Derby bus sides"
    assert record["campaign_owner"] == "Derby City Council (local)"
    assert record["first_touch_channel"] == "Referral"
    assert record["first_touch"] == ("Referred by www.bbc.co.uk; 1 April 2026 at 09:15 (UK time)")
    assert "came through one of our short links or QR codes" in record["last_touch"]
    assert "3 April 2026 at 13:00 (UK time)" in record["last_touch"]
    csv_text = subject_access_csv(subject_access_export("jo@example.org"))
    assert "Derby City Council (local)" in csv_text and "Referred by www.bbc.co.uk" in csv_text


# --- Erasure -----------------------------------------------------------------------------------


def test_erasure_anonymises_the_bookings_keeps_what_reports_count_and_cancels_messages(
    people, make_user
):
    jo, jo_work, alex = people["jo"], people["jo_work"], people["alex"]
    campaign = CampaignFactory()
    Registration.objects.filter(pk=jo.pk).update(
        campaign=campaign, owner="regional", channel="paid-social"
    )
    waiting = reminder(jo, "jo.bloggs@example.org")
    sent = reminder(jo_work, "jo@work.example.com")
    OutboxMessage.objects.filter(pk=sent.pk).update(status=OutboxMessage.Status.SENT)
    alex_reminder = reminder(alex, "alex@example.org")

    preview = preview_erasure("JO.BLOGGS@example.org")
    assert preview.registrations == [jo.reference, jo_work.reference]
    assert preview.holds_anything

    record = erase_person(
        "JO.BLOGGS@example.org", by=make_user("dp.lead"), reason="Email of 3 March"
    )

    # The event is still to come: their places are given up (offered on) before erasure.
    for registration, status in (
        (jo, Registration.Status.CANCELLED),
        (jo_work, Registration.Status.CANCELLED),
    ):
        registration.refresh_from_db()
        assert all(getattr(registration, name) == "" for name in PERSONAL)
        assert list(registration.consents.all()) == []
        assert registration.anonymised_at is not None
        # What the reports count stays.
        assert registration.event == people["event"]
        assert registration.status == status
        assert registration.postcode_district == "DE1"
    assert jo.places == 2 and jo.attended is True
    assert jo.campaign == campaign and jo.owner == "regional" and jo.channel == "paid-social"

    waiting.refresh_from_db()
    assert waiting.status == OutboxMessage.Status.CANCELLED
    assert waiting.recipient == "" and waiting.body == ""
    assert not OutboxMessage.objects.filter(pk=sent.pk).exists()

    assert jo.reference in record.references and jo_work.reference in record.references
    stored = ErasureRecord.objects.get()
    assert "bloggs" not in stored.references.lower() and "@" not in stored.references

    alex.refresh_from_db()
    assert alex.first_name == "Alex" and alex.anonymised_at is None
    alex_reminder.refresh_from_db()
    assert alex_reminder.status == OutboxMessage.Status.PENDING
    assert alex_reminder.recipient == "alex@example.org"

    # Erasing again finds nothing more to do.
    again = preview_erasure("jo.bloggs@example.org")
    assert again.registrations == [] and not again.holds_anything


def test_the_admin_lists_the_bookings_before_erasing(people, make_user, client):
    from testkit.admin import grant

    client.force_login(grant(make_user("dp.lead"), "enquiry.manage_personal_data"))
    response = client.post(
        "/admin/personal-data/erase/",
        {"email": "jo.bloggs@example.org", "reason": "Email of 3 March"},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert people["jo"].reference in content and people["jo_work"].reference in content
    assert people["alex"].reference not in content


# --- Retention ---------------------------------------------------------------------------------


def test_retention_anonymises_bookings_of_long_past_events_unless_their_enquiry_is_kept(home):
    set_hub_inbox()
    months = settings.ENQUIRY_RETENTION_MONTHS
    old_event = EventPageFactory(starts_at=ended(months, days=2))
    recent_event = EventPageFactory(starts_at=ended(months - 1))
    kept_enquiry = EnquiryFactory(email="kept@example.org")
    old_enquiry = closed(months + 1, email="old@example.org")

    due = book(old_event, email="due@example.org", attended=False)
    due_message = reminder(due, "due@example.org")
    recent = book(recent_event, email="recent@example.org")
    follows_kept = book(old_event, email="kept@example.org", enquiry=kept_enquiry)
    follows_old = book(recent_event, email="old@example.org", enquiry=old_enquiry)

    dry = apply_retention(dry_run=True)
    assert dry.registrations_anonymised == 2
    assert Registration.objects.filter(anonymised_at__isnull=False).count() == 0

    report = apply_retention()
    assert report.registrations_anonymised == 2
    for registration in (due, recent, follows_kept, follows_old):
        registration.refresh_from_db()
    # Ended more than the retention period ago and not linked: anonymised.
    assert due.anonymised_at is not None
    assert all(getattr(due, name) == "" for name in PERSONAL)
    assert due.attended is False and due.event == old_event
    # Its event ended within the period: kept.
    assert recent.anonymised_at is None and recent.email == "recent@example.org"
    # Linked to an enquiry that is kept: kept with it.
    assert follows_kept.anonymised_at is None and follows_kept.first_name == "Jo"
    # Linked to an enquiry anonymised now: follows it, though its event is more recent.
    assert follows_old.anonymised_at is not None and follows_old.email == ""
    due_message.refresh_from_db()
    assert due_message.status == OutboxMessage.Status.CANCELLED and due_message.recipient == ""

    # Idempotent: a second run changes nothing.
    snapshot = list(Registration.objects.order_by("pk").values())
    assert apply_retention().registrations_anonymised == 0
    assert list(Registration.objects.order_by("pk").values()) == snapshot


def test_a_booking_for_an_event_still_to_come_is_not_touched_by_retention(home):
    set_hub_inbox()
    enquiry = closed(settings.ENQUIRY_RETENTION_MONTHS + 1, email="sam@example.org")
    upcoming = book(EventPageFactory(), email="sam@example.org", enquiry=enquiry)
    apply_retention()
    upcoming.refresh_from_db()
    assert upcoming.anonymised_at is None and upcoming.email == "sam@example.org"


def test_erasing_someone_on_the_waiting_list_gives_their_turn_to_the_next_person(people):
    """Review finding: an erased booking must never take up a place nobody can be told about."""
    from events.services import BookingDetails
    from events.services import book as make_booking

    event = EventPageFactory(capacity=1)

    def booking(email: str) -> Registration:
        details = BookingDetails(first_name="Sam", last_name="Lee", email=email, postcode="DE1 2AB")
        return make_booking(event, details)[0]

    ann = booking("ann@example.org")
    wes = booking("wes@example.org")
    val = booking("val@example.org")
    assert [r.status for r in (ann, wes, val)] == ["confirmed", "waiting", "waiting"]

    erase_person("ann@example.org", by=None, reason="Asked to be forgotten")
    statuses = dict(Registration.objects.values_list("pk", "status"))
    assert statuses[ann.pk] == "cancelled", "the erased person's place is freed"
    assert statuses[wes.pk] == "confirmed", "and offered to the next in line"
    assert statuses[val.pk] == "waiting"


def test_a_bookings_permissions_go_with_its_details(home):
    """A booking's keep-in-touch permissions are rows of the one consent model: retention
    deletes them when it anonymises the booking (as the list they replaced was emptied)."""
    set_hub_inbox()
    months = settings.ENQUIRY_RETENTION_MONTHS
    due = book(EventPageFactory(starts_at=ended(months, days=2)), email="due@example.org")
    kept = book(EventPageFactory(), email="kept@example.org")
    assert KeepInTouchConsent.objects.filter(booking__registration=due).count() == 1

    report = apply_retention()

    assert report.registrations_anonymised == 1
    assert not KeepInTouchConsent.objects.filter(booking__registration=due).exists()
    assert KeepInTouchConsent.objects.filter(enquiry__isnull=True).count() == 1
    assert kept.consents.get().wording == CONSENT["wording"]


def test_a_bookings_permissions_lapse_after_the_keep_in_touch_period_like_an_enquirys(home):
    """Permission given with a booking lapses KEEP_IN_TOUCH_MONTHS after it was given or last
    renewed, as an enquiry's does, though the booking itself (an event still to come, or one
    linked to a kept enquiry) keeps its details; the retention report counts it."""
    set_hub_inbox()
    now = timezone.now()
    months = settings.KEEP_IN_TOUCH_MONTHS
    lapsed = book(EventPageFactory(), email="lapsed@example.org")
    renewed = book(EventPageFactory(), email="renewed@example.org")
    recent = book(EventPageFactory(), email="recent@example.org")
    lapsed.consents.update(given_at=months_before(now, months) - timedelta(days=1))
    renewed.consents.update(
        given_at=months_before(now, months + 6), renewed_at=months_before(now, 1)
    )
    recent.consents.update(given_at=months_before(now, months - 1))

    dry = StringIO()
    call_command("apply_retention", "--dry-run", stdout=dry)
    assert "Keep-in-touch permissions to end: 1" in dry.getvalue().splitlines()
    assert lapsed.consents.get().ended_at is None

    report = apply_retention()

    assert report.consents_expired == 1
    consent = lapsed.consents.get()
    assert consent.ended_at is not None and consent.end_reason == "expired"
    assert consent.wording == CONSENT["wording"]  # what they agreed to stays on record
    lapsed.refresh_from_db()
    assert lapsed.anonymised_at is None and lapsed.email == "lapsed@example.org"
    for registration in (renewed, recent):
        assert registration.consents.get().ended_at is None
    # The export says it ended, and why.
    (record,) = subject_access_export("lapsed@example.org")["sections"]["event_bookings"]
    (words,) = record["consents"]
    assert "ended " in words and ": Expired" in words
    assert apply_retention().consents_expired == 0
