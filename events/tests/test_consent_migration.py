"""One keep-in-touch consent model: bookings' JSON lists become `KeepInTouchConsent` rows.

A copy of the old data is made at the state before the move (enquiry 0008, events 0001) through
the historical models, migrated forward (every entry arrives as a row tied to its booking, with
its channel, wording, language and times, in order; enquiries' rows are left as they were) and
back again (the lists return as they were). And on PostgreSQL the database refuses a permission
with no holder, or with two.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from enquiry.models import KeepInTouchConsent
from enquiry.tests.factories import EnquiryFactory
from events.models import BookingConsent, Registration
from events.tests.factories import EventPageFactory

BEFORE = [("enquiry", "0008_held_submissions_and_fingerprints"), ("events", "0001_initial")]
AFTER = [("enquiry", "0009_keep_in_touch_consent_holders"), ("events", "0004_consent_holder_check")]

UTC = datetime.UTC


def at(*parts: int) -> datetime.datetime:
    return datetime.datetime(*parts, tzinfo=UTC)


# The lists as the booking service wrote them (and as staff or an import may have ended them).
TWO_CHANNELS = [
    {
        "channel": "email",
        "wording": "Yes, you can email me news about fostering and events near me",
        "language": "en-gb",
        "given_at": "2026-01-20T10:00:00.123456+00:00",
        "ended_at": None,
    },
    {
        "channel": "text",
        "wording": "Yes, you can send me text messages about fostering events near me",
        "language": "en-gb",
        "given_at": "2026-01-20T10:00:00.123456+00:00",
        "ended_at": None,
    },
]
ENDED = [
    {
        "channel": "phone",
        "wording": "Yes, you can phone me from time to time to see how I am getting on",
        "language": "en-gb",
        "given_at": "2025-03-02T18:30:00+00:00",
        "renewed_at": "2025-09-01T09:00:00+00:00",
        "ended_at": "2026-02-01T12:00:00+00:00",
        "end_reason": "withdrawn",
    },
    {
        "channel": "email",
        "wording": "Yes, you can email me news about fostering and events near me",
        "language": "en-gb",
        "given_at": "2024-01-05T08:00:00+00:00",
        "ended_at": "2026-01-05T08:00:00+00:00",
        "end_reason": "expired",
    },
]
POLISH = [
    {
        "channel": "email",
        "wording": "Tak, możecie wysyłać mi e-maile z wiadomościami o rodzinach zastępczych",
        "language": "pl",
        "given_at": "2026-04-11T16:45:10+00:00",
        "ended_at": None,
    }
]
# Written before the language was recorded: the booking's language stands in.
NO_LANGUAGE = [
    {
        "channel": "text",
        "wording": "Yes, you can send me text messages about fostering events near me",
        "given_at": "2026-05-01T07:00:00+00:00",
        "ended_at": None,
    }
]


def migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection)


def holder_triggers() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        return {name for (name,) in cursor.fetchall() if "holder" in name}


def leaves() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def old_booking(apps, event_id: int, email: str, consents: list, language: str = "en-gb"):
    Registration = apps.get_model("events", "Registration")
    created = at(2026, 1, 20, 10)
    return Registration.objects.create(
        event_id=event_id,
        created_at=created,
        received_on=created.date(),
        language=language,
        first_name="Ola",
        last_name="Nowak",
        email=email,
        postcode="DE1 2AB",
        consents=consents,
    )


FIELDS = ("enquiry_id", "channel", "wording", "language", "given_at", "renewed_at")
FIELDS += ("ended_at", "end_reason")


def rows(apps, registration_id: int) -> list[dict]:
    """The booking's consent rows, in the order they were made, as the fields to compare."""
    BookingConsent = apps.get_model("events", "BookingConsent")
    links = BookingConsent.objects.filter(registration_id=registration_id)
    return [
        {name: getattr(link.consent, name) for name in FIELDS}
        for link in links.select_related("consent").order_by("consent_id")
    ]


def row(entry: dict, language: str = "", **times) -> dict:
    """What a JSON entry should have become: a row with no enquiry (a booking holds it)."""
    return {
        "enquiry_id": None,
        "channel": entry["channel"],
        "wording": entry["wording"],
        "language": language or entry["language"],
        "given_at": times["given_at"],
        "renewed_at": times.get("renewed_at"),
        "ended_at": times.get("ended_at"),
        "end_reason": entry.get("end_reason", ""),
    }


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_every_json_consent_becomes_a_row_and_comes_back(home):
    event = EventPageFactory()
    EnquiryFactory(email="enquirer@example.org", consents={"email": "Email me"})
    enquiry_consents = list(KeepInTouchConsent.objects.values())
    try:
        old = migrate(BEFORE).loader.project_state(BEFORE).apps
        bookings = {
            "two": old_booking(old, event.pk, "two@example.org", TWO_CHANNELS),
            "ended": old_booking(old, event.pk, "ended@example.org", ENDED),
            "empty": old_booking(old, event.pk, "empty@example.org", []),
            "polish": old_booking(old, event.pk, "pl@example.org", POLISH, language="pl"),
            "no_language": old_booking(old, event.pk, "ur@example.org", NO_LANGUAGE, language="ur"),
        }

        new = migrate(AFTER).loader.project_state(AFTER).apps
        given = at(2026, 1, 20, 10, 0, 0, 123456)
        assert rows(new, bookings["two"].pk) == [
            row(TWO_CHANNELS[0], given_at=given),
            row(TWO_CHANNELS[1], given_at=given),
        ]
        assert rows(new, bookings["ended"].pk) == [
            row(
                ENDED[0],
                given_at=at(2025, 3, 2, 18, 30),
                renewed_at=at(2025, 9, 1, 9),
                ended_at=at(2026, 2, 1, 12),
            ),
            row(ENDED[1], given_at=at(2024, 1, 5, 8), ended_at=at(2026, 1, 5, 8)),
        ]
        assert rows(new, bookings["empty"].pk) == []
        assert rows(new, bookings["polish"].pk) == [
            row(POLISH[0], given_at=at(2026, 4, 11, 16, 45, 10))
        ]
        assert rows(new, bookings["no_language"].pk) == [
            row(NO_LANGUAGE[0], language="ur", given_at=at(2026, 5, 1, 7))
        ]
        Consent = new.get_model("enquiry", "KeepInTouchConsent")
        assert Consent.objects.count() == len(enquiry_consents) + 6, "nothing else was made"
        assert list(Consent.objects.filter(enquiry__isnull=False).values()) == enquiry_consents
        if connection.vendor == "postgresql":
            assert holder_triggers() == {
                "events_consent_has_one_holder",
                "events_booking_consent_has_one_holder",
            }

        old = migrate(BEFORE).loader.project_state(BEFORE).apps
        Registration = old.get_model("events", "Registration")
        back = dict(Registration.objects.values_list("email", "consents"))
        assert back["two@example.org"] == TWO_CHANNELS
        assert back["ended@example.org"] == ENDED
        assert back["empty@example.org"] == []
        assert back["pl@example.org"] == POLISH
        assert back["ur@example.org"] == [{**NO_LANGUAGE[0], "language": "ur"}]
        Consent = old.get_model("enquiry", "KeepInTouchConsent")
        assert list(Consent.objects.values()) == enquiry_consents
        if connection.vendor == "postgresql":
            assert holder_triggers() == set()
    finally:
        migrate(leaves())


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL trigger")
def test_a_permission_must_belong_to_one_enquiry_or_one_booking(home):
    enquiry = EnquiryFactory(consents={"email": "Email me"})
    event = EventPageFactory()
    registration = Registration.objects.create(
        event=event, first_name="Sam", last_name="Lee", email="sam@example.org", postcode="DE1"
    )

    def check(make) -> None:
        """Make rows and check the deferred rule at once, as a commit would."""
        with transaction.atomic(), connection.cursor() as cursor:
            make()
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")

    def consent(**fields) -> KeepInTouchConsent:
        return KeepInTouchConsent.objects.create(channel="email", wording="Email me", **fields)

    # A booking's permission, tied to it: fine.
    check(lambda: BookingConsent.objects.create(registration=registration, consent=consent()))
    for nobody_or_both in (
        lambda: consent(),
        lambda: BookingConsent.objects.create(
            registration=registration, consent=enquiry.consents.get()
        ),
    ):
        with pytest.raises(IntegrityError, match="must belong to one enquiry or one booking"):
            check(nobody_or_both)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_deleted_booking_takes_its_permissions_with_it(home):
    """Deleting an event (or a booking) commits: its bookings' permissions have no other
    holder, so they go with them, and an enquiry's permissions stay."""
    enquiry = EnquiryFactory(consents={"email": "Email me"})
    event = EventPageFactory()
    registration = Registration.objects.create(
        event=event, first_name="Sam", last_name="Lee", email="sam@example.org", postcode="DE1"
    )
    with transaction.atomic():  # a permission is written with its holder, as book() does
        given = KeepInTouchConsent.objects.create(channel="text", wording="Text me")
        BookingConsent.objects.create(registration=registration, consent=given)

    registration.delete()

    assert not KeepInTouchConsent.objects.filter(pk=given.pk).exists()
    assert list(enquiry.consents.values_list("channel", flat=True)) == ["email"]
