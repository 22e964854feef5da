"""Retention: closed enquiries lose their personal data after ENQUIRY_RETENTION_MONTHS (still
counted in reports), keep-in-touch permission lapses after KEEP_IN_TOUCH_MONTHS unless renewed,
old outgoing messages and task rows go; the daily command is idempotent and has a dry run."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from councils.tests.factories import CouncilFactory
from enquiry.data_protection import apply_retention, months_before
from enquiry.models import (
    ClosedReason,
    Enquiry,
    EnquiryHistory,
    KeepInTouchConsent,
    Stage,
)
from enquiry.tests.factories import EnquiryFactory, HearAboutOptionFactory
from fostering_types.tests.factories import FosteringTypePageFactory
from outbox.models import OutboxMessage
from testkit.enquiries import closed, months_ago
from testkit.outbox import set_hub_inbox

pytestmark = pytest.mark.django_db

WORDING = "Email me about events and news about fostering. I can stop this at any time."


def snapshot() -> list:
    return [
        list(Enquiry.objects.order_by("pk").values()),
        list(EnquiryHistory.objects.order_by("pk").values()),
        list(KeepInTouchConsent.objects.order_by("pk").values()),
        list(OutboxMessage.objects.order_by("pk").values()),
        list(DBTaskResult.objects.order_by("pk").values("pk", "status")),
    ]


def test_enquiries_closed_longer_ago_than_the_retention_period_are_anonymised(home):
    set_hub_inbox()
    council = CouncilFactory()
    teenagers = FosteringTypePageFactory(title="Teenagers")
    radio = HearAboutOptionFactory(label="Local radio")
    old = closed(
        25,
        council=council,
        email="old@example.org",
        first_name="Oona",
        last_name="Oldfield",
        phone="07700 900001",
        postcode="DE1 2AB",
        question="Can I foster while working nights?",
        fostering_types=[teenagers],
        heard_about=radio,
        consents={"email": WORDING},
    )
    recent = closed(23, council=council, email="recent@example.org")
    still_open = EnquiryFactory(council=council, email="open@example.org")
    Enquiry.objects.filter(pk=still_open.pk).update(
        created_at=timezone.now() - timedelta(days=2000)
    )
    reported_before = Enquiry.objects.filter(council=council, stage=Stage.CLOSED).count()

    report = apply_retention()

    assert report.enquiries_anonymised == 1
    old.refresh_from_db()
    for name in ("first_name", "last_name", "email", "phone", "postcode", "question"):
        assert getattr(old, name) == "", name
    assert old.anonymised_at is not None
    # What the reports need is kept.
    assert old.council == council
    assert old.stage == Stage.CLOSED
    assert old.closed_reason == ClosedReason.NOT_PROCEEDING
    assert old.closed_on == months_ago(25)
    assert old.contacted_on == months_ago(27)
    assert old.postcode_district == "DE1"
    assert list(old.fostering_types.values_list("pk", flat=True)) == [teenagers.pk]
    assert old.heard_about == radio and old.heard_about_label == "Local radio"
    assert old.language == "en-gb"
    assert old.reference.startswith("HUB-")
    assert Enquiry.objects.filter(council=council, stage=Stage.CLOSED).count() == reported_before
    # The history says so, and staff notes (which quoted the person) are gone.
    history = list(old.history.all())
    assert history[-1].action == EnquiryHistory.Action.ANONYMISED
    assert [entry.action for entry in history[:-1]] == ["created", "stage", "stage"]
    assert all("Sam" not in entry.note for entry in history)
    assert [entry.to_value for entry in history[1:3]] == [Stage.CONTACTED, Stage.CLOSED]
    # Nobody left to keep in touch with.
    consent = old.consents.get()
    assert consent.ended_at is not None and consent.end_reason == "expired"
    assert consent.wording == WORDING

    # Closed 23 months ago, and open enquiries however old: untouched.
    for enquiry in (recent, still_open):
        fresh = Enquiry.objects.get(pk=enquiry.pk)
        assert fresh.anonymised_at is None
        assert fresh.email == enquiry.email and fresh.first_name == enquiry.first_name


def test_messages_of_anonymised_enquiries_and_old_messages_are_removed(home):
    set_hub_inbox()
    old = closed(25, email="old@example.org")
    keep = EnquiryFactory(email="keep@example.org")
    ancient = EnquiryFactory(email="ancient@example.org")
    OutboxMessage.objects.filter(reference=old.reference, topic="enquiry.acknowledgement").update(
        status="sent", sent_at=timezone.now()
    )
    OutboxMessage.objects.filter(reference=ancient.reference).update(
        status="sent", created_at=timezone.now() - timedelta(days=31)
    )
    OutboxMessage.objects.filter(reference=keep.reference, topic="enquiry.hub_notification").update(
        status="sent", created_at=timezone.now() - timedelta(days=29)
    )
    # Task rows: finished long ago, finished recently, still waiting.
    tasks = list(DBTaskResult.objects.order_by("enqueued_at"))
    DBTaskResult.objects.filter(pk=tasks[0].pk).update(
        status="SUCCESSFUL", finished_at=timezone.now() - timedelta(days=31)
    )
    DBTaskResult.objects.filter(pk=tasks[1].pk).update(
        status="SUCCESSFUL", finished_at=timezone.now() - timedelta(days=1)
    )

    report = apply_retention()

    # The anonymised enquiry's sent acknowledgement is deleted; its waiting hub notification is
    # cancelled and blanked (kept as a trace, without an address or text).
    assert not OutboxMessage.objects.filter(reference=old.reference, status="sent").exists()
    waiting = OutboxMessage.objects.get(reference=old.reference)
    assert waiting.status == "cancelled"
    assert (waiting.recipient, waiting.body, waiting.payload) == ("", "", {})
    # Sent more than OUTBOX_RETENTION_DAYS ago: deleted; newer or still waiting: kept.
    assert not OutboxMessage.objects.filter(reference=ancient.reference).exists()
    assert OutboxMessage.objects.filter(reference=keep.reference).count() == 2
    assert (report.messages_deleted, report.messages_blanked) == (3, 1)
    assert report.task_results_deleted == 1
    assert not DBTaskResult.objects.filter(pk=tasks[0].pk).exists()
    assert DBTaskResult.objects.filter(pk=tasks[1].pk).exists()
    assert DBTaskResult.objects.filter(pk=tasks[2].pk).exists()


def test_keep_in_touch_permission_expires_unless_renewed(home):
    now = timezone.now()
    expired = EnquiryFactory(consents={"email": WORDING, "text": WORDING}).consents.all()
    renewed = EnquiryFactory(consents={"email": WORDING}).consents.get()
    recent = EnquiryFactory(consents={"phone": WORDING}).consents.get()
    expired.update(given_at=months_before(now, 24) - timedelta(minutes=1))
    KeepInTouchConsent.objects.filter(pk=renewed.pk).update(
        given_at=months_before(now, 30), renewed_at=months_before(now, 1)
    )
    KeepInTouchConsent.objects.filter(pk=recent.pk).update(given_at=months_before(now, 23))

    report = apply_retention()

    assert report.consents_expired == 2
    assert report.enquiries_anonymised == 0
    assert {(c.ended_at is not None, c.end_reason) for c in expired.all()} == {(True, "expired")}
    for consent in (renewed, recent):
        consent.refresh_from_db()
        assert consent.ended_at is None and consent.end_reason == ""


@override_settings(ENQUIRY_RETENTION_MONTHS=6, KEEP_IN_TOUCH_MONTHS=3)
def test_the_periods_are_settings(home):
    seven = closed(7)
    five = closed(5)
    consent = EnquiryFactory(consents={"email": WORDING}).consents.get()
    KeepInTouchConsent.objects.filter(pk=consent.pk).update(
        given_at=months_before(timezone.now(), 4)
    )
    report = apply_retention()
    assert report.enquiries_anonymised == 1
    assert Enquiry.objects.get(pk=seven.pk).is_anonymised
    assert not Enquiry.objects.get(pk=five.pk).is_anonymised
    consent.refresh_from_db()
    assert consent.end_reason == "expired"


def test_running_twice_changes_nothing_the_second_time(home):
    set_hub_inbox()
    closed(25, consents={"email": WORDING})
    closed(30)
    EnquiryFactory(consents={"phone": WORDING}).consents.update(
        given_at=timezone.now() - timedelta(days=800)
    )
    first = apply_retention()
    assert first.changed_anything
    after_first = snapshot()

    second = apply_retention()

    assert not second.changed_anything
    assert snapshot() == after_first
    assert EnquiryHistory.objects.filter(action=EnquiryHistory.Action.ANONYMISED).count() == 2


def test_the_command_prints_what_it_did_and_the_dry_run_changes_nothing(home):
    set_hub_inbox()
    closed(25, consents={"email": WORDING})
    EnquiryFactory()
    before = snapshot()

    dry = StringIO()
    call_command("apply_retention", "--dry-run", stdout=dry)
    assert snapshot() == before
    assert dry.getvalue().splitlines() == [
        "Dry run: nothing was changed.",
        "Closed enquiries to anonymise: 1",
        "Event bookings to anonymise: 0",
        "Keep-in-touch permissions to end: 1",
        "Outgoing messages to delete: 0",
        "Waiting messages of anonymised enquiries to cancel and blank: 2",
        "Finished task results to delete: 0",
        "Posts held as suspected spam to delete: 0",
        "Subject access records to delete: 0",
    ]

    real = StringIO()
    call_command("apply_retention", stdout=real)
    assert real.getvalue().splitlines() == [
        "Closed enquiries anonymised: 1",
        "Event bookings anonymised: 0",
        "Keep-in-touch permissions ended: 1",
        "Outgoing messages deleted: 0",
        "Waiting messages of anonymised enquiries cancelled and blanked: 2",
        "Finished task results deleted: 0",
        "Posts held as suspected spam deleted: 0",
        "Subject access records deleted: 0",
    ]

    again = StringIO()
    call_command("apply_retention", stdout=again)
    assert all(line.endswith(": 0") for line in again.getvalue().splitlines())


def test_months_before_handles_month_ends_and_years():
    from datetime import date

    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert months_before(date(2028, 3, 31), 1) == date(2028, 2, 29)
    assert months_before(date(2026, 1, 15), 24) == date(2024, 1, 15)
    assert months_before(date(2026, 1, 15), 1) == date(2025, 12, 15)


def test_failed_messages_are_deleted_once_the_retention_period_has_passed(home):
    """A message that gave up holds an address; staff have the retention period to act on it."""
    set_hub_inbox()
    stale = EnquiryFactory(email="stale@example.org")
    recent = EnquiryFactory(email="recent@example.org")
    OutboxMessage.objects.filter(reference=stale.reference).update(
        status="failed", last_attempt_at=timezone.now() - timedelta(days=31)
    )
    OutboxMessage.objects.filter(reference=recent.reference).update(
        status="failed", last_attempt_at=timezone.now() - timedelta(days=29)
    )

    apply_retention()

    assert not OutboxMessage.objects.filter(reference=stale.reference).exists()
    assert OutboxMessage.objects.filter(reference=recent.reference, status="failed").count() == 2


def test_enquiries_nobody_has_touched_for_the_retention_period_are_anonymised(home):
    """An enquiry left open (or in "keep in touch" after its permission lapsed) with no recorded
    activity for the retention period loses its personal data too; any recent activity keeps it."""
    forgotten = EnquiryFactory(email="forgotten@example.org")
    waiting = EnquiryFactory(email="waiting@example.org")
    long_ago = timezone.now() - timedelta(days=31 * 25)
    for enquiry in (forgotten, waiting):
        Enquiry.objects.filter(pk=enquiry.pk).update(
            created_at=long_ago, received_on=timezone.localdate(long_ago)
        )
        enquiry.history.update(at=long_ago)
    waiting.refresh_from_db()
    waiting.move_to(Stage.KEEP_IN_TOUCH, note="Asked us to call again next spring")

    apply_retention()

    forgotten.refresh_from_db()
    waiting.refresh_from_db()
    assert forgotten.is_anonymised and forgotten.email == ""
    assert not waiting.is_anonymised and waiting.email == "waiting@example.org"
