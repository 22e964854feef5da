"""Data protection in code: retention, subject access and erasure (UK GDPR).

- `apply_retention()` runs daily (`manage.py apply_retention`): closed enquiries lose their
  personal data ENQUIRY_RETENTION_MONTHS after closing, keep-in-touch permission lapses
  KEEP_IN_TOUCH_MONTHS after it was given or last renewed, and outgoing messages and task rows
  are deleted OUTBOX_RETENTION_DAYS after they were finished with.
- Posts held as suspected spam (`HeldSubmission`) that nobody released are deleted
  HELD_SUBMISSION_RETENTION_DAYS after they came in; subject access exports them and erasure
  deletes them.
- `subject_access_export(email)` gathers everything held about an email address, section by
  section; a later feature (event registrations) adds its own with `register_section`.
- `erase_person(email, by, reason)` removes one person's data on request and records that it
  happened, without recording who the person was.

Event bookings (events.Registration) follow the same rules: they are in the subject access
export, erasure anonymises them, and retention anonymises them once their event ended
ENQUIRY_RETENTION_MONTHS ago, or, when linked to a later enquiry, together with that enquiry.
An anonymised booking keeps the event, places, status, attendance and attribution, so the
events reports still count it.

Anonymising keeps what the reports count: the council, the stages and their dates, the types of
fostering, how they heard about us, the language and the postcode district. What identifies the
person goes: names, email, phone, full postcode, their question, and the staff notes in the
enquiry's history (which may quote them or describe a call).
"""

from __future__ import annotations

import calendar
import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Case, CharField, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Coalesce, Concat, LPad
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from events.models import Registration
from outbox.models import OutboxMessage

from .models import (
    ClosedReason,
    ContactMethod,
    ContactTime,
    Enquiry,
    EnquiryHistory,
    ErasureRecord,
    HeldSubmission,
    KeepInTouchConsent,
    ReceivedVia,
    SpareBedroom,
    Stage,
    history_author,
)

BATCH_SIZE = 200
# The fingerprint is a keyed hash of the answers (enquiry.duplicates): it goes with them.
PERSONAL_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "postcode",
    "question",
    "fingerprint",
)
REGISTRATION_PERSONAL_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "postcode",
    "access_needs",
)
FINISHED_TASK_STATUSES = ("SUCCESSFUL", "FAILED")
RETENTION_BY = "Retention schedule"


def months_before(moment: date | datetime, months: int) -> date | datetime:
    """The same day and time `months` calendar months earlier (31 March -> 28/29 February)."""
    index = moment.year * 12 + (moment.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def normalise_email(email: str) -> str:
    return (email or "").strip()


def _in_batches(queryset: QuerySet, size: int = BATCH_SIZE) -> Iterable[list[int]]:
    """Primary keys in batches, read up front, so rows changing meanwhile skip nothing."""
    ids = list(queryset.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _person_label(user) -> str:
    return history_author(user, RETENTION_BY)


# --- the building blocks retention and erasure share ---------------------------------------------


def _anonymise(enquiry: Enquiry, *, now: datetime, by=None, note: str) -> None:
    """Blank the person's details on one locked enquiry and record it in the history."""
    for name in PERSONAL_FIELDS:
        setattr(enquiry, name, "")
    enquiry.anonymised_at = now
    enquiry.save(update_fields=[*PERSONAL_FIELDS, "anonymised_at"])
    EnquiryHistory.objects.filter(enquiry=enquiry).exclude(note="").update(note="")
    EnquiryHistory.objects.create(
        enquiry=enquiry,
        at=now,
        by=by,
        by_name=_person_label(by),
        action=EnquiryHistory.Action.ANONYMISED,
        effective_on=timezone.localdate(now),
        note=note,
    )


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


def _anonymise_registrations(registrations: QuerySet, *, now: datetime) -> int:
    """Blank the person's details on bookings not anonymised yet; keep what reports count
    (event, places, status, attendance, attribution, postcode district)."""
    return registrations.filter(anonymised_at__isnull=True).update(
        **dict.fromkeys(REGISTRATION_PERSONAL_FIELDS, ""),
        consents=[],
        anonymised_at=now,
    )


HAS_CONTENT = ~Q(recipient="") | ~Q(body="") | ~Q(payload={}) | ~Q(attachments=[])
BLANKABLE = Q(status__in=[OutboxMessage.Status.PENDING, OutboxMessage.Status.FAILED]) | (
    Q(status=OutboxMessage.Status.CANCELLED) & HAS_CONTENT
)
BLANKED = {
    "status": OutboxMessage.Status.CANCELLED,
    "recipient": "",
    "body": "",
    "payload": {},
    "attachments": [],
    "last_error": "",
}


def _blank_messages(messages: QuerySet) -> int:
    """Cancel and blank messages not sent yet (failed ones too: nobody should retry them).

    The status is checked again under the row lock: a message a worker is sending right now is
    waited for, and left alone if it went.
    """
    count = 0
    for batch in _in_batches(messages.filter(BLANKABLE)):
        with transaction.atomic():
            count += OutboxMessage.objects.filter(BLANKABLE, pk__in=batch).update(**BLANKED)
    return count


def _delete_messages(messages: QuerySet) -> int:
    count = 0
    for batch in _in_batches(messages):
        with transaction.atomic():
            count += OutboxMessage.objects.filter(pk__in=batch).delete()[0]
    return count


def _address_regex(email: str) -> str:
    """Matches one whole line of OutboxMessage.recipient (used case-insensitively)."""
    return r"(^|\n)\s*" + re.escape(normalise_email(email)) + r"\s*(\n|$)"


# --- retention -----------------------------------------------------------------------------------


@dataclass
class RetentionReport:
    """What one run of `apply_retention` did (or, with dry_run, would do)."""

    dry_run: bool = False
    enquiries_anonymised: int = 0
    registrations_anonymised: int = 0
    consents_expired: int = 0
    messages_deleted: int = 0
    messages_blanked: int = 0
    task_results_deleted: int = 0
    held_deleted: int = 0
    cutoffs: dict[str, datetime | date] = field(default_factory=dict)

    @property
    def changed_anything(self) -> bool:
        return any(
            (
                self.enquiries_anonymised,
                self.registrations_anonymised,
                self.consents_expired,
                self.messages_deleted,
                self.messages_blanked,
                self.task_results_deleted,
                self.held_deleted,
            )
        )


@dataclass
class RetentionPlan:
    """What is due at one moment; the real run and --dry-run read the same querysets."""

    now: datetime
    closed_before: date
    confirmed_before: datetime
    finished_before: datetime
    held_before: datetime

    @classmethod
    def at(cls, now: datetime | None = None) -> RetentionPlan:
        now = timezone.localtime(now or timezone.now())
        return cls(
            now=now,
            closed_before=months_before(now.date(), settings.ENQUIRY_RETENTION_MONTHS),
            confirmed_before=months_before(now, settings.KEEP_IN_TOUCH_MONTHS),
            finished_before=now - timedelta(days=settings.OUTBOX_RETENTION_DAYS),
            held_before=now - timedelta(days=settings.HELD_SUBMISSION_RETENTION_DAYS),
        )

    def held(self) -> QuerySet:
        """Posts held as suspected spam that nobody released in time (a released one becomes
        an enquiry or a booking and leaves the table)."""
        return HeldSubmission.objects.filter(received_at__lt=self.held_before)

    def enquiries(self) -> QuerySet:
        """Still holding personal data, and either closed before the cut-off or left with no
        recorded activity (no history entry) since it: storage limitation applies to enquiries
        nobody closed, and to "keep in touch" ones whose permission has lapsed, too."""
        inactive_since = timezone.make_aware(
            datetime.combine(self.closed_before, datetime.min.time())
        )
        recently_active = EnquiryHistory.objects.filter(at__gte=inactive_since).values("enquiry")
        return Enquiry.objects.personal().filter(
            Q(stage=Stage.CLOSED, closed_on__lt=self.closed_before)
            | (Q(created_at__lt=inactive_since) & ~Q(pk__in=recently_active))
        )

    def consents(self) -> QuerySet:
        """Current permissions not given or renewed since the cut-off, and those of enquiries
        about to be anonymised (there is nobody left to keep in touch with)."""
        return (
            KeepInTouchConsent.objects.filter(ended_at__isnull=True)
            .annotate(confirmed_at=Coalesce("renewed_at", "given_at"))
            .filter(Q(confirmed_at__lt=self.confirmed_before) | Q(enquiry__in=self.enquiries()))
        )

    def registrations(self) -> QuerySet:
        """Event bookings still holding personal data whose event ended before the cut-off; a
        booking linked to a later enquiry follows that enquiry instead (anonymised with it,
        once its event is over)."""
        ended_before = timezone.make_aware(
            datetime.combine(self.closed_before, datetime.min.time())
        )
        anonymous_enquiries = Enquiry.objects.filter(
            Q(anonymised_at__isnull=False) | Q(pk__in=self.enquiries().values("pk"))
        ).values("pk")
        return Registration.objects.filter(anonymised_at__isnull=True).filter(
            Q(enquiry__isnull=True, event__ends_at__lt=ended_before)
            | Q(enquiry__in=anonymous_enquiries, event__ends_at__lt=self.now)
        )

    def _anonymous_references(self) -> Q:
        """Messages about enquiries and bookings that are, or are about to be, anonymised."""
        enquiries = Enquiry.objects.filter(
            Q(anonymised_at__isnull=False) | Q(pk__in=self.enquiries().values("pk"))
        ).values("reference")
        registrations = Registration.objects.filter(
            Q(anonymised_at__isnull=False) | Q(pk__in=self.registrations().values("pk"))
        )
        return Q(reference__in=enquiries) | Q(
            reference__startswith="EVT-", reference__in=registration_references(registrations)
        )

    def messages_to_delete(self) -> QuerySet:
        """Sent, cancelled or failed long enough ago, and anything sent about an anonymised
        enquiry. (Failed messages hold an address; staff have had the retention period to act.)"""
        return OutboxMessage.objects.filter(
            Q(
                status__in=[OutboxMessage.Status.SENT, OutboxMessage.Status.CANCELLED],
                created_at__lt=self.finished_before,
            )
            | Q(status=OutboxMessage.Status.FAILED, last_attempt_at__lt=self.finished_before)
            | (Q(status=OutboxMessage.Status.SENT) & self._anonymous_references())
        )

    def messages_to_blank(self) -> QuerySet:
        """Still-waiting (or failed) messages about enquiries that are, or are about to be,
        anonymised."""
        return (
            OutboxMessage.objects.filter(self._anonymous_references())
            .filter(BLANKABLE)
            .exclude(pk__in=self.messages_to_delete().values("pk"))
        )

    def task_results(self) -> QuerySet:
        return DBTaskResult.objects.filter(
            status__in=FINISHED_TASK_STATUSES, finished_at__lt=self.finished_before
        )

    def cutoffs(self) -> dict[str, datetime | date]:
        return {
            "enquiries closed before": self.closed_before,
            "event bookings of events ended before": self.closed_before,
            "keep-in-touch permission given or renewed before": self.confirmed_before,
            "messages and task results finished before": self.finished_before,
            "suspected spam held before": self.held_before,
        }


def apply_retention(
    now: datetime | None = None, *, dry_run: bool = False, batch_size: int = BATCH_SIZE
) -> RetentionReport:
    """Apply every retention rule once. Idempotent: a second run finds nothing to do.

    Each batch is its own transaction and rows are locked and re-checked, so the command is safe
    to run daily beside the web and worker processes, and an interrupted run simply continues
    next time.
    """
    plan = RetentionPlan.at(now)
    report = RetentionReport(dry_run=dry_run, cutoffs=plan.cutoffs())
    if dry_run:
        report.consents_expired = plan.consents().count()
        report.enquiries_anonymised = plan.enquiries().count()
        report.registrations_anonymised = plan.registrations().count()
        report.messages_deleted = plan.messages_to_delete().count()
        report.messages_blanked = plan.messages_to_blank().count()
        report.task_results_deleted = plan.task_results().count()
        report.held_deleted = plan.held().count()
        return report

    for batch in _in_batches(plan.consents(), batch_size):
        with transaction.atomic():
            report.consents_expired += KeepInTouchConsent.objects.filter(
                pk__in=batch, ended_at__isnull=True
            ).update(ended_at=plan.now, end_reason="expired")

    for batch in _in_batches(plan.enquiries(), batch_size):
        with transaction.atomic():
            # Locked and re-checked: staff may have reopened one since the batch was read.
            for enquiry in plan.enquiries().filter(pk__in=batch).select_for_update(of=("self",)):
                _anonymise(
                    enquiry,
                    now=plan.now,
                    note=f"Closed more than {settings.ENQUIRY_RETENTION_MONTHS} months ago.",
                )
                report.enquiries_anonymised += 1

    # After the enquiries, so that bookings linked to one anonymised just now follow it.
    for batch in _in_batches(plan.registrations(), batch_size):
        with transaction.atomic():
            # Re-checked in the UPDATE itself: a booking linked to a reopened enquiry stays.
            report.registrations_anonymised += _anonymise_registrations(
                plan.registrations().filter(pk__in=batch), now=plan.now
            )

    report.messages_deleted = _delete_messages(plan.messages_to_delete())
    report.messages_blanked = _blank_messages(plan.messages_to_blank())
    for batch in _in_batches(plan.task_results(), batch_size):
        with transaction.atomic():
            report.task_results_deleted += DBTaskResult.objects.filter(pk__in=batch).delete()[0]
    for batch in _in_batches(plan.held(), batch_size):
        with transaction.atomic():
            # Re-checked in the DELETE itself; one released meanwhile is gone already.
            report.held_deleted += plan.held().filter(pk__in=batch).delete()[0]
    return report


# --- subject access ------------------------------------------------------------------------------


Record = dict[str, Any]


@dataclass(frozen=True)
class Section:
    """One kind of record held about a person, for the subject access export.

    `collect(email)` returns the records (plain JSON-ready dicts) for that address, matched
    case-insensitively; `record_type` labels them in the CSV.
    """

    name: str
    record_type: str
    collect: Callable[[str], list[Record]]


SECTIONS: list[Section] = []


def register_section(name: str, record_type: str, collect: Callable[[str], list[Record]]) -> None:
    """Add a kind of record (e.g. event registrations) to every subject access export."""
    SECTIONS[:] = [section for section in SECTIONS if section.name != name]
    SECTIONS.append(Section(name, record_type, collect))


def _iso(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    return value.isoformat()


def _label(choices, value: str) -> str:
    return str(choices(value).label) if value in choices.values else value


def _enquiries(email: str) -> QuerySet:
    return Enquiry.objects.matching_email(email).order_by("created_at", "pk")


def collect_enquiries(email: str) -> list[Record]:
    records = []
    for enquiry in _enquiries(email).select_related("council").prefetch_related("fostering_types"):
        records.append(
            {
                "reference": enquiry.reference,
                "received_at": _iso(enquiry.created_at),
                "received_via": _label(ReceivedVia, enquiry.received_via),
                "language": enquiry.language,
                "first_name": enquiry.first_name,
                "last_name": enquiry.last_name,
                "email": enquiry.email,
                "phone": enquiry.phone,
                "postcode": enquiry.postcode,
                "postcode_district": enquiry.postcode_district,
                "council": enquiry.council.name if enquiry.council else "Not sure yet",
                "fostering_types": sorted(page.title for page in enquiry.fostering_types.all()),
                "spare_bedroom": _label(SpareBedroom, enquiry.spare_bedroom),
                "contact_method": _label(ContactMethod, enquiry.contact_method),
                "contact_time": _label(ContactTime, enquiry.contact_time),
                "question": enquiry.question,
                "heard_about": enquiry.heard_about_label,
                "stage": _label(Stage, enquiry.stage),
                "closed_reason": _label(ClosedReason, enquiry.closed_reason),
                "contacted_on": _iso(enquiry.contacted_on),
                "visit_booked_on": _iso(enquiry.visit_booked_on),
                "visit_done_on": _iso(enquiry.visit_done_on),
                "application_on": _iso(enquiry.application_on),
                "approved_on": _iso(enquiry.approved_on),
                "closed_on": _iso(enquiry.closed_on),
                "handed_over_on": _iso(enquiry.handed_over_on),
            }
        )
    return records


def collect_consents(email: str) -> list[Record]:
    consents = KeepInTouchConsent.objects.filter(enquiry__in=_enquiries(email)).select_related(
        "enquiry"
    )
    return [
        {
            "reference": consent.enquiry.reference,
            "channel": consent.get_channel_display(),
            "wording": consent.wording,
            "language": consent.language,
            "given_at": _iso(consent.given_at),
            "renewed_at": _iso(consent.renewed_at),
            "ended_at": _iso(consent.ended_at),
            "end_reason": consent.get_end_reason_display() if consent.end_reason else "",
        }
        for consent in consents.order_by("enquiry__created_at", "channel")
    ]


def collect_history(email: str) -> list[Record]:
    entries = EnquiryHistory.objects.filter(enquiry__in=_enquiries(email)).select_related("enquiry")
    return [
        {
            "reference": entry.enquiry.reference,
            "at": _iso(entry.at),
            "action": entry.get_action_display(),
            "from": entry.from_label,
            "to": entry.to_label,
            "date": _iso(entry.effective_on),
            "by": entry.by_name,
            "note": entry.note,
        }
        for entry in entries.order_by("enquiry__created_at", "at", "pk")
    ]


def _registrations(email: str) -> QuerySet:
    """The bookings made under the address, and those linked to the person's enquiries."""
    email = normalise_email(email)
    if not email:
        return Registration.objects.none()
    return Registration.objects.filter(
        Q(email__iexact=email) | Q(enquiry__in=_enquiries(email).values("pk"))
    )


ATTENDED = {True: "Yes", False: "No", None: "Not recorded"}


def _consent_text(consent: dict[str, Any]) -> str:
    text = f"{consent.get('channel', '')}: {consent.get('wording', '')}"
    if consent.get("given_at"):
        text += f" (given {consent['given_at']}"
        text += f", ended {consent['ended_at']})" if consent.get("ended_at") else ")"
    return text


def collect_registrations(email: str) -> list[Record]:
    records = []
    for registration in (
        _registrations(email).select_related("event", "enquiry").order_by("created_at", "pk")
    ):
        event = registration.event
        records.append(
            {
                "reference": registration.reference,
                "event": event.title,
                "event_starts_at": _iso(event.starts_at),
                "event_ends_at": _iso(event.ends_at),
                "booked_at": _iso(registration.created_at),
                "status": _label(Registration.Status, registration.status),
                "places": registration.places,
                "confirmed_at": _iso(registration.confirmed_at),
                "cancelled_at": _iso(registration.cancelled_at),
                "language": registration.language,
                "first_name": registration.first_name,
                "last_name": registration.last_name,
                "email": registration.email,
                "phone": registration.phone,
                "postcode": registration.postcode,
                "postcode_district": registration.postcode_district,
                "access_needs": registration.access_needs,
                "heard_about": registration.heard_about_label,
                "consents": [_consent_text(consent) for consent in registration.consents or []],
                "attended": ATTENDED.get(registration.attended, "Not recorded"),
                "later_enquiry": registration.enquiry.reference if registration.enquiry else "",
                "anonymised_at": _iso(registration.anonymised_at),
            }
        )
    return records


RECIPIENT_DESCRIPTIONS = {
    "enquiry.hub_notification": "The hub's enquiry team (a notice without your details)",
    "enquiry.council_notification": "The council's fostering team (a notice without your details)",
    "enquiry.handover": "The council's fostering team (a notice without your details)",
}


def collect_messages(email: str) -> list[Record]:
    """Messages sent to the address, and messages about the person's enquiries (to say who was
    told about them: the hub team, the council's team, the council's system)."""
    references = _enquiries(email).values("reference")
    messages = OutboxMessage.objects.filter(
        Q(recipient__iregex=_address_regex(email))
        | Q(reference__in=references)
        | Q(
            reference__startswith="EVT-",
            reference__in=registration_references(_registrations(email)),
        )
    ).select_related("signing_council")
    records = []
    for message in messages.order_by("created_at", "pk"):
        addresses = [line.strip().lower() for line in message.recipient.splitlines()]
        if normalise_email(email).lower() in addresses:
            sent_to = normalise_email(email)
        elif message.kind == OutboxMessage.Kind.WEBHOOK:
            council = message.signing_council.name if message.signing_council else "a council"
            sent_to = f"The case-management system of {council}"
        else:
            sent_to = RECIPIENT_DESCRIPTIONS.get(message.topic, "Hub staff")
        records.append(
            {
                "reference": message.reference,
                "kind": message.get_kind_display(),
                "topic": message.topic,
                "sent_to": sent_to,
                "subject": message.subject,
                "status": message.get_status_display(),
                "created_at": _iso(message.created_at),
                "sent_at": _iso(message.sent_at),
            }
        )
    return records


def collect_held(email: str) -> list[Record]:
    """Posts held as suspected spam under the address, with everything they hold."""
    return [
        {
            "kind": held.get_kind_display(),
            "received_at": _iso(held.received_at),
            "why_it_was_held": held.get_reason_display(),
            "event": held.event.title if held.event_id else "",
            "language": held.language,
            "answers": held.answers,
            "attribution": held.touches,
        }
        for held in HeldSubmission.objects.matching_email(email)
        .select_related("event")
        .order_by("received_at", "pk")
    ]


register_section("enquiries", "enquiry", collect_enquiries)
register_section("keep_in_touch_consents", "keep-in-touch permission", collect_consents)
register_section("enquiry_history", "enquiry history", collect_history)
register_section("event_bookings", "event booking", collect_registrations)
register_section("outgoing_messages", "outgoing message", collect_messages)
register_section("held_as_suspected_spam", "held as suspected spam", collect_held)


def subject_access_export(email: str) -> dict[str, Any]:
    """Everything held about an email address (matched case-insensitively), by section."""
    email = normalise_email(email)
    export: dict[str, Any] = {
        "email": email,
        "generated_at": _iso(timezone.now()),
        "sections": {section.name: section.collect(email) for section in SECTIONS},
    }
    return export


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        value = "; ".join(str(item) for item in value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def subject_access_csv(export: dict[str, Any]) -> str:
    """The export as one CSV table: a row per record, a "record type" column saying which kind."""
    types = {section.name: section.record_type for section in SECTIONS}
    columns: list[str] = []
    rows: list[tuple[str, Record]] = []
    for name, records in export["sections"].items():
        for record in records:
            rows.append((types.get(name, name), record))
            columns.extend(key for key in record if key not in columns)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["record type", *columns])
    for record_type, record in rows:
        writer.writerow([record_type, *(_cell(record.get(column)) for column in columns)])
    return buffer.getvalue()


def summary(export: dict[str, Any]) -> list[tuple[str, int]]:
    """How many records of each kind an export holds (for the admin page)."""
    types = {section.name: section.record_type for section in SECTIONS}
    return [(types.get(name, name), len(records)) for name, records in export["sections"].items()]


# --- erasure -------------------------------------------------------------------------------------


@dataclass
class ErasurePreview:
    """What erasing an address would change, shown before staff confirm."""

    references: list[str]
    consents: int
    messages: int
    registrations: list[str] = field(default_factory=list)  # event booking references
    held: int = 0  # posts held as suspected spam

    @property
    def holds_anything(self) -> bool:
        return bool(self.references or self.registrations or self.messages or self.held)


def _messages_of(email: str, references: list[str]) -> QuerySet:
    return OutboxMessage.objects.filter(
        Q(recipient__iregex=_address_regex(email)) | Q(reference__in=references)
    )


def _registrations_to_erase(email: str) -> QuerySet:
    """The person's bookings still holding personal data: under the address, or linked to one
    of their enquiries."""
    return _registrations(email).filter(anonymised_at__isnull=True).order_by("created_at", "pk")


def preview_erasure(email: str) -> ErasurePreview:
    email = normalise_email(email)
    enquiries = Enquiry.objects.personal().matching_email(email).order_by("created_at")
    references = list(enquiries.values_list("reference", flat=True))
    bookings = [registration.reference for registration in _registrations_to_erase(email)]
    return ErasurePreview(
        references=references,
        consents=KeepInTouchConsent.objects.filter(
            enquiry__in=enquiries, ended_at__isnull=True
        ).count(),
        messages=_messages_of(email, references + bookings).filter(BLANKABLE | HAS_CONTENT).count(),
        registrations=bookings,
        held=HeldSubmission.objects.matching_email(email).count(),
    )


def erase_person(email: str, by, reason: str) -> ErasureRecord:
    """Erase one person's data on request, in one transaction, and record that it happened.

    Every enquiry under the address is anonymised as retention would, posts held as suspected
    spam under it are deleted, their keep-in-touch
    permissions end ("erased"), their event bookings are anonymised (reports still count them),
    messages not yet sent (a booking's reminder too) are cancelled and blanked, and sent ones
    deleted. The ErasureRecord keeps the references, who did it, when and why: never the
    address or the name.
    """
    email = normalise_email(email)
    now = timezone.now()
    with transaction.atomic():
        enquiries = list(
            Enquiry.objects.personal()
            .matching_email(email)
            .select_for_update(of=("self",))
            .order_by("created_at", "pk")
        )
        references = [enquiry.reference for enquiry in enquiries]
        registrations = list(
            _registrations_to_erase(email)
            .select_for_update(of=("self",))
            .values_list("pk", flat=True)
        )
        bookings = [Registration(pk=pk).reference for pk in registrations]
        KeepInTouchConsent.objects.filter(enquiry__in=enquiries, ended_at__isnull=True).update(
            ended_at=now, end_reason="erased"
        )
        for enquiry in enquiries:
            _anonymise(enquiry, now=now, by=by, note="Erased at the person's request.")
        # Their places at events still to come go back to the waiting list first.
        from events.services import cancel

        for registration in Registration.objects.filter(
            pk__in=registrations,
            status__in=[Registration.Status.CONFIRMED, Registration.Status.WAITING],
            event__ends_at__gt=now,
        ).select_related("event"):
            cancel(registration, notify=False)  # no email to an address being erased
        _anonymise_registrations(Registration.objects.filter(pk__in=registrations), now=now)
        messages = _messages_of(email, references + bookings)
        # Blank first: a message a worker is sending right now is locked, so this waits for it;
        # if it was sent meanwhile, the delete below then removes it.
        messages.filter(BLANKABLE).update(**BLANKED)
        messages.filter(status=OutboxMessage.Status.SENT).delete()
        held = HeldSubmission.objects.matching_email(email).delete()[0]
        if held:
            references.append(f"{held} held as suspected spam")
        return ErasureRecord.objects.create(
            at=now,
            by=by,
            by_name=history_author(by),
            references=", ".join(references + bookings) or "No enquiries held",
            reason=reason.strip()[:200],
        )
