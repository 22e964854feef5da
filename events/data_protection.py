"""Event bookings under the data protection rules of enquiries (`enquiry.data_protection`).

A booking is in the person's subject access export, erasure anonymises it (giving up a place
at an event still to come first), and retention anonymises it once its event ended
ENQUIRY_RETENTION_MONTHS ago, or, when linked to a later enquiry, together with that enquiry.
An anonymised booking keeps the event, places, status, attendance and attribution, so the
events reports still count it; its keep-in-touch permissions (rows of the one consent model,
`enquiry.KeepInTouchConsent`, tied to it by `BookingConsent`) lapse KEEP_IN_TOUCH_MONTHS after
they were given, as an enquiry's do (`RetentionPlan.consents`), and are deleted with its
details, as the list they replaced was emptied. Messages about a booking (its reference, EVT-000123) go
with it.

`register()` (called from `EventsConfig.ready`) plugs all of this into the enquiry app's data
protection, at the places the bookings have always had: the export section after the enquiry
history, the report's count after the closed enquiries.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.db.models import Case, CharField, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Concat, LPad
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from attribution.describe import ATTRIBUTION_COLUMNS, ATTRIBUTION_RELATED, describe_attribution
from enquiry.data_protection import (
    Columns,
    Record,
    RetentionPlan,
    choice_label,
    enquiries_of,
    iso,
    normalise_email,
    register_erasure,
    register_messages_about,
    register_retention,
    register_section,
)
from enquiry.models import KeepInTouchConsent

from .models import Registration
from .services import cancel

REGISTRATION_PERSONAL_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "postcode",
    "access_needs",
)
ATTENDED = {True: "Yes", False: "No", None: "Not recorded"}


def _registration_reference() -> Case:
    """`Registration.reference` (EVT-000123) in SQL, to find the messages about a booking."""
    number = Cast("pk", output_field=CharField())
    return Case(
        When(pk__lt=1_000_000, then=Concat(Value("EVT-"), LPad(number, 6, Value("0")))),
        default=Concat(Value("EVT-"), number),
        output_field=CharField(),
    )


def registration_references(registrations: QuerySet) -> QuerySet:
    """The references of some bookings, as a subquery for `reference__in`."""
    return registrations.order_by().annotate(ref=_registration_reference()).values("ref")


def _messages_about_bookings(registrations: QuerySet) -> Q:
    return Q(reference__startswith="EVT-", reference__in=registration_references(registrations))


def registrations_of(email: str) -> QuerySet:
    """The bookings made under the address, and those linked to the person's enquiries."""
    email = normalise_email(email)
    if not email:
        return Registration.objects.none()
    return Registration.objects.filter(
        Q(email__iexact=email) | Q(enquiry__in=enquiries_of(email).values("pk"))
    )


def anonymise(registrations: QuerySet, now: datetime) -> int:
    """Blank the person's details on bookings not anonymised yet and delete their keep-in-touch
    permissions; keep what reports count (event, places, status, attendance, attribution,
    postcode district).

    Call inside a transaction. The bookings are locked and re-checked as they are read, so a
    booking linked to an enquiry reopened meanwhile stays as it is.
    """
    ids = list(
        registrations.filter(anonymised_at__isnull=True)
        .select_for_update(of=("self",))
        .values_list("pk", flat=True)
    )
    KeepInTouchConsent.objects.filter(booking__registration__in=ids).delete()
    return Registration.objects.filter(pk__in=ids).update(
        **dict.fromkeys(REGISTRATION_PERSONAL_FIELDS, ""), anonymised_at=now
    )


# --- Subject access ------------------------------------------------------------------------------


def _utc(moment: datetime) -> str:
    """A time as the export has always written a booking's permission times (UTC)."""
    return moment.astimezone(UTC).isoformat()


def _consent_text(consent: KeepInTouchConsent) -> str:
    """One permission in words, with everything its row holds."""
    times = [f"given {_utc(consent.given_at)}"]
    if consent.renewed_at:
        times.append(f"renewed {_utc(consent.renewed_at)}")
    if consent.ended_at:
        reason = consent.get_end_reason_display() if consent.end_reason else ""
        times.append(f"ended {_utc(consent.ended_at)}" + (f": {reason}" if reason else ""))
    times.append(f"language {consent.language}")
    return f"{consent.get_channel_display()}: {consent.wording} ({', '.join(times)})"


BOOKING_COLUMNS: Columns = {
    "events.Registration": {
        "event": "event",
        "status": "status",
        "places": "places",
        "created_at": "booked_at",
        "confirmed_at": "confirmed_at",
        "cancelled_at": "cancelled_at",
        "language": "language",
        "first_name": "first_name",
        "last_name": "last_name",
        "email": "email",
        "phone": "phone",
        "postcode": "postcode",
        "access_needs": "access_needs",
        "postcode_district": "postcode_district",
        "heard_about": "heard_about",
        "heard_about_label": "heard_about",
        "consents": "consents",
        **ATTRIBUTION_COLUMNS,
        "attended": "attended",
        "enquiry": "later_enquiry",
        "reminder_sent": "reminder_sent",
        "anonymised_at": "anonymised_at",
    },
    # A booking's permissions, in words, on the booking's record.
    "enquiry.KeepInTouchConsent": dict.fromkeys(
        ("channel", "wording", "language", "given_at", "renewed_at", "ended_at", "end_reason"),
        "consents",
    ),
}
BOOKING_NOT_EXPORTED: Columns = {
    "events.Registration": {
        "id": "not personal: the row's number in the database (the reference stands for it)",
        "submission_token": "not personal: a random number the form was shown with, so that "
        "the same form sent twice finds the first booking",
        "cancel_token": "not personal: the random number behind the emailed cancellation link "
        "(handing it out would let anyone holding the export cancel the booking)",
        "received_on": "derived: the UK date of booked_at",
    },
    "events.BookingConsent": {
        "id": "not personal: the row's number in the database",
        "registration": "derived: which booking a permission was given with (the booking's "
        "record lists its permissions)",
        "consent": "derived: as registration",
    },
}


def collect(email: str) -> list[Record]:
    records = []
    for registration in (
        registrations_of(email)
        .select_related("event", "enquiry", *ATTRIBUTION_RELATED)
        .prefetch_related(Prefetch("consents", KeepInTouchConsent.objects.order_by("pk")))
        .order_by("created_at", "pk")
    ):
        event = registration.event
        records.append(
            {
                "reference": registration.reference,
                "event": event.title,
                "event_starts_at": iso(event.starts_at),
                "event_ends_at": iso(event.ends_at),
                "booked_at": iso(registration.created_at),
                "status": choice_label(Registration.Status, registration.status),
                "places": registration.places,
                "confirmed_at": iso(registration.confirmed_at),
                "cancelled_at": iso(registration.cancelled_at),
                "language": registration.language,
                "first_name": registration.first_name,
                "last_name": registration.last_name,
                "email": registration.email,
                "phone": registration.phone,
                "postcode": registration.postcode,
                "postcode_district": registration.postcode_district,
                "access_needs": registration.access_needs,
                "heard_about": registration.heard_about_label,
                "consents": [_consent_text(consent) for consent in registration.consents.all()],
                **describe_attribution(registration),
                "attended": ATTENDED.get(registration.attended, "Not recorded"),
                "later_enquiry": registration.enquiry.reference if registration.enquiry else "",
                "reminder_sent": "Yes" if registration.reminder_sent else "No",
                "anonymised_at": iso(registration.anonymised_at),
            }
        )
    return records


def messages_about(email: str) -> Q:
    """The messages about the person's bookings (their reminders, staff notices)."""
    return _messages_about_bookings(registrations_of(email))


# --- Erasure -------------------------------------------------------------------------------------


def _to_erase(email: str) -> QuerySet:
    """The person's bookings still holding personal data: under the address, or linked to one
    of their enquiries."""
    return registrations_of(email).filter(anonymised_at__isnull=True).order_by("created_at", "pk")


def preview_erasure(email: str) -> list[str]:
    return [registration.reference for registration in _to_erase(email)]


def erase(email: str, now: datetime) -> list[str]:
    """Anonymise the person's bookings (inside `erase_person`'s transaction); their places at
    events still to come go back to the waiting list first, without an email to an address
    being erased."""
    registrations = list(
        _to_erase(email).select_for_update(of=("self",)).values_list("pk", flat=True)
    )
    for registration in Registration.objects.filter(
        pk__in=registrations,
        status__in=[Registration.Status.CONFIRMED, Registration.Status.WAITING],
        event__ends_at__gt=now,
    ).select_related("event"):
        cancel(registration, notify=False)
    anonymise(Registration.objects.filter(pk__in=registrations), now)
    return [Registration(pk=pk).reference for pk in registrations]


# --- Retention -----------------------------------------------------------------------------------


def due(plan: RetentionPlan) -> QuerySet:
    """Bookings still holding personal data whose event ended before the cut-off; a booking
    linked to a later enquiry follows that enquiry instead (anonymised with it, once its event
    is over)."""
    ended_before = timezone.make_aware(datetime.combine(plan.closed_before, datetime.min.time()))
    return Registration.objects.filter(anonymised_at__isnull=True).filter(
        Q(enquiry__isnull=True, event__ends_at__lt=ended_before)
        | Q(enquiry__in=plan.anonymous_enquiries().values("pk"), event__ends_at__lt=plan.now)
    )


def messages_about_anonymous(plan: RetentionPlan) -> Q:
    """Messages about bookings that are, or are about to be, anonymised."""
    return _messages_about_bookings(
        Registration.objects.filter(
            Q(anonymised_at__isnull=False) | Q(pk__in=due(plan).values("pk"))
        )
    )


def register() -> None:
    register_section(
        "event_bookings",
        "event booking",
        collect,
        position=40,
        columns=BOOKING_COLUMNS,
        not_exported=BOOKING_NOT_EXPORTED,
        lists_references=True,
    )
    register_messages_about("event_bookings", messages_about)
    register_erasure(
        "registrations",
        heading=_("These event bookings will be anonymised (reports still count them):"),
        preview=preview_erasure,
        erase=erase,
    )
    register_retention(
        "registrations_anonymised",
        position=20,
        done="Event bookings anonymised",
        to_do="Event bookings to anonymise",
        cutoff_label="event bookings of events ended before",
        cutoff=lambda plan: plan.closed_before,
        due=due,
        apply=anonymise,
        messages_about=messages_about_anonymous,
    )
