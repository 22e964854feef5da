"""Data protection in code: retention, subject access and erasure (UK GDPR).

- `apply_retention()` runs daily (`manage.py apply_retention`): closed enquiries lose their
  personal data ENQUIRY_RETENTION_MONTHS after closing, keep-in-touch permission (an enquiry's
  or a booking's) lapses KEEP_IN_TOUCH_MONTHS after it was given or last renewed, outgoing
  messages and task rows are deleted OUTBOX_RETENTION_DAYS after they were finished with, and
  the subject access log SUBJECT_ACCESS_RECORD_RETENTION_MONTHS after each export.
- Posts held as suspected spam (`HeldSubmission`) that nobody released are deleted
  HELD_SUBMISSION_RETENTION_DAYS after they came in; subject access exports them and erasure
  deletes them.
- `subject_access_export(email)` gathers everything held about an email address, section by
  section, attribution in words (`attribution.describe`); `record_subject_access` logs that it
  was run (who, when, what it found: references and counts, never the address).
- `erase_person(email, by, reason)` removes one person's data on request and records that it
  happened, without recording who the person was.

Anonymising keeps what the reports count: the council, the stages and their dates, the types of
fostering, how they heard about us, the language and the postcode district. What identifies the
person goes: names, email, phone, full postcode, their question, and the staff notes in the
enquiry's history (which may quote them or describe a call).

Other apps hold personal data too, and plug their rows in here rather than this module
importing them (an app above this one registers from its `ready()`; event bookings:
`events.data_protection`):

- `register_section(name, record_type, collect, position=, columns=, not_exported=)`: a
  section of the subject access export, placed by its position among this app's (enquiries 10,
  keep-in-touch permissions 20, enquiry history 30, outgoing messages 50, held as suspected
  spam 60), with which of its tables' columns it exports and why it leaves the others out;
- `register_messages_about(name, about)`: the outgoing messages about the person's rows, for
  the export's outgoing messages section;
- `register_erasure(name, heading=, preview=, erase=)`: what erasing an address changes in the
  app's rows, listed under `heading` before staff confirm, and the change itself, run inside
  the erasure's transaction;
- `register_retention(name, position=, ...)`: a retention rule, counted or applied by each run
  and reported by its name and position among this app's (closed enquiries 10,
  keep-in-touch permissions 30, messages deleted 40, messages blanked 50, task results 60,
  held posts 70, subject access records 80).
"""

from __future__ import annotations

import calendar
import csv
import io
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from attribution.describe import (
    ATTRIBUTION_COLUMNS,
    ATTRIBUTION_RELATED,
    describe_attribution,
    describe_touch,
)
from core import duplicates
from core.exports import neutralise_formula
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
    SubjectAccessRecord,
    history_author,
)

BATCH_SIZE = 200
# The fingerprint is a keyed hash of the answers (core.duplicates): it goes with them.
PERSONAL_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "postcode",
    "question",
    "fingerprint",
)
FINISHED_TASK_STATUSES = ("SUCCESSFUL", "FAILED")
RETENTION_BY = "Retention schedule"

Record = dict[str, Any]


def months_before(moment: date | datetime, months: int) -> date | datetime:
    """The same day and time `months` calendar months earlier (31 March -> 28/29 February)."""
    index = moment.year * 12 + (moment.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def normalise_email(email: str) -> str:
    return (email or "").strip()


def iso(value: date | datetime | None) -> str | None:
    """A date or time as the export writes it (times in UK time), or None."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    return value.isoformat()


def choice_label(choices, value: str) -> str:
    """The label of a stored choice, or the value itself when it is no longer a choice."""
    return str(choices(value).label) if value in choices.values else value


def enquiries_of(email: str) -> QuerySet:
    """Every enquiry under the address (matched case-insensitively), oldest first."""
    return Enquiry.objects.matching_email(email).order_by("created_at", "pk")


def _in_batches(queryset: QuerySet, size: int = BATCH_SIZE) -> Iterable[list[int]]:
    """Primary keys in batches, read up front, so rows changing meanwhile skip nothing."""
    ids = list(queryset.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _person_label(user) -> str:
    return history_author(user, RETENTION_BY)


# --- What other apps register --------------------------------------------------------------------


# For each table a section reads ("app_label.Model"): its columns and what says so.
Columns = Mapping[str, Mapping[str, str]]


@dataclass(frozen=True)
class Section:
    """One kind of record held about a person, for the subject access export.

    `collect(email)` returns the records (plain JSON-ready dicts) for that address, matched
    case-insensitively; `record_type` labels them in the CSV; `position` places the section in
    the export (lowest first). `columns` says, for each table the section reads, which key of
    its records shows each column; `not_exported` names the columns it leaves out, each with
    why (not about the person, or derived from what is exported): every column of every table
    holding a person's rows is in one or the other (enquiry/tests/test_subject_access_coverage.py),
    so a new column cannot be forgotten. With `lists_references`, the references of its records
    go into the subject access log (the person's own rows: enquiries, bookings).
    """

    name: str
    record_type: str
    collect: Callable[[str], list[Record]]
    position: int
    columns: Columns = field(default_factory=dict)
    not_exported: Columns = field(default_factory=dict)
    lists_references: bool = False


SECTIONS: list[Section] = []
# name -> the outgoing messages about the person's rows in another app (a Q on OutboxMessage).
MESSAGES_ABOUT: dict[str, Callable[[str], Q]] = {}


def register_section(
    name: str,
    record_type: str,
    collect: Callable[[str], list[Record]],
    *,
    position: int,
    columns: Columns | None = None,
    not_exported: Columns | None = None,
    lists_references: bool = False,
) -> None:
    """Add a kind of record (e.g. event bookings) to every subject access export, at its
    position (registering a name again replaces it)."""
    SECTIONS[:] = [section for section in SECTIONS if section.name != name]
    SECTIONS.append(
        Section(
            name,
            record_type,
            collect,
            position,
            columns or {},
            not_exported or {},
            lists_references,
        )
    )
    SECTIONS.sort(key=lambda section: section.position)


def register_messages_about(name: str, about: Callable[[str], Q]) -> None:
    """Count the messages `about(email)` matches (e.g. a booking's reminder) as the person's in
    the export's outgoing messages section."""
    MESSAGES_ABOUT[name] = about


@dataclass(frozen=True)
class ErasurePart:
    """Another app's rows under the erasure of an address.

    `preview(email)` returns the references of the rows erasing the address would change, listed
    under `heading` before staff confirm; `erase(email, now)` changes them and returns their
    references. It runs inside `erase_person`'s transaction, before the person's enquiries are
    anonymised (rows linked to one of them are still found). The references go into the
    ErasureRecord, and messages about them are cancelled and blanked, or deleted, with the
    person's own.
    """

    name: str
    heading: str
    preview: Callable[[str], list[str]]
    erase: Callable[[str, datetime], list[str]]


ERASURE_PARTS: dict[str, ErasurePart] = {}


def register_erasure(
    name: str,
    *,
    heading: str,
    preview: Callable[[str], list[str]],
    erase: Callable[[str, datetime], list[str]],
) -> None:
    """Include an app's rows in every erasure (`preview_erasure().<name>` lists them)."""
    ERASURE_PARTS[name] = ErasurePart(name, heading, preview, erase)


@dataclass(frozen=True)
class RetentionRule:
    """Another app's rows under the retention schedule.

    - `due(plan)`: the rows due at the plan's moment (a --dry-run counts them);
    - `apply(rows, now)`: apply the rule to some due rows (one batch, still filtered by `due`,
      so the rule is re-checked in its own statement) inside the batch's transaction; return
      how many changed. Rules run after the enquiries are anonymised (rows that follow an
      enquiry follow it in the same run) and before the messages are cleared;
    - `messages_about(plan)`: the outgoing messages about rows that are, or are about to be,
      anonymised (a Q on OutboxMessage): blanked or deleted like an anonymised enquiry's;
    - the report counts it as `name` (`report.<name>`), and the command prints `done` (or, with
      --dry-run, `to_do`) and `cutoff_label` (-v 2) at `position`.
    """

    name: str
    position: int
    done: str
    to_do: str
    cutoff_label: str
    cutoff: Callable[[RetentionPlan], date | datetime]
    due: Callable[[RetentionPlan], QuerySet]
    apply: Callable[[QuerySet, datetime], int]
    messages_about: Callable[[RetentionPlan], Q]


RETENTION_RULES: dict[str, RetentionRule] = {}


def register_retention(
    name: str,
    *,
    position: int,
    done: str,
    to_do: str,
    cutoff_label: str,
    cutoff: Callable[[RetentionPlan], date | datetime],
    due: Callable[[RetentionPlan], QuerySet],
    apply: Callable[[QuerySet, datetime], int],
    messages_about: Callable[[RetentionPlan], Q],
) -> None:
    """Add a rule to every retention run (registering a name again replaces it)."""
    RETENTION_RULES[name] = RetentionRule(
        name, position, done, to_do, cutoff_label, cutoff, due, apply, messages_about
    )


def _retention_rules() -> list[RetentionRule]:
    return sorted(RETENTION_RULES.values(), key=lambda rule: rule.position)


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

# (position, the report's count, what the command prints after a run, and with --dry-run)
OWN_COUNTS = (
    (10, "enquiries_anonymised", "Closed enquiries anonymised", "Closed enquiries to anonymise"),
    (
        30,
        "consents_expired",
        "Keep-in-touch permissions ended",
        "Keep-in-touch permissions to end",
    ),
    (40, "messages_deleted", "Outgoing messages deleted", "Outgoing messages to delete"),
    (
        50,
        "messages_blanked",
        "Waiting messages of anonymised enquiries cancelled and blanked",
        "Waiting messages of anonymised enquiries to cancel and blank",
    ),
    (
        60,
        "task_results_deleted",
        "Finished task results deleted",
        "Finished task results to delete",
    ),
    (
        70,
        "held_deleted",
        "Posts held as suspected spam deleted",
        "Posts held as suspected spam to delete",
    ),
    (
        80,
        "subject_access_records_deleted",
        "Subject access records deleted",
        "Subject access records to delete",
    ),
)


@dataclass
class RetentionReport:
    """What one run of `apply_retention` did (or, with dry_run, would do).

    The counts of registered rules are in `counts` by rule name, and read as attributes too
    (`report.registrations_anonymised`).
    """

    dry_run: bool = False
    enquiries_anonymised: int = 0
    consents_expired: int = 0
    messages_deleted: int = 0
    messages_blanked: int = 0
    task_results_deleted: int = 0
    held_deleted: int = 0
    subject_access_records_deleted: int = 0
    cutoffs: dict[str, datetime | date] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def __getattr__(self, name: str) -> int:
        counts = self.__dict__.get("counts") or {}
        if name in counts:
            return counts[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    @property
    def changed_anything(self) -> bool:
        own = (getattr(self, name) for _position, name, _done, _to_do in OWN_COUNTS)
        return any(own) or any(self.counts.values())

    def lines(self) -> list[tuple[str, str, int]]:
        """(what was done, what a dry run would do, how many) for each count, in order."""
        lines = [
            (position, done, to_do, getattr(self, name))
            for position, name, done, to_do in OWN_COUNTS
        ]
        lines += [
            (rule.position, rule.done, rule.to_do, self.counts.get(rule.name, 0))
            for rule in _retention_rules()
        ]
        lines.sort(key=lambda line: line[0])
        return [(done, to_do, count) for _position, done, to_do, count in lines]


@dataclass
class RetentionPlan:
    """What is due at one moment; the real run and --dry-run read the same querysets."""

    now: datetime
    closed_before: date
    confirmed_before: datetime
    finished_before: datetime
    held_before: datetime
    exported_before: datetime

    @classmethod
    def at(cls, now: datetime | None = None) -> RetentionPlan:
        now = timezone.localtime(now or timezone.now())
        return cls(
            now=now,
            closed_before=months_before(now.date(), settings.ENQUIRY_RETENTION_MONTHS),
            confirmed_before=months_before(now, settings.KEEP_IN_TOUCH_MONTHS),
            finished_before=now - timedelta(days=settings.OUTBOX_RETENTION_DAYS),
            held_before=now - timedelta(days=settings.HELD_SUBMISSION_RETENTION_DAYS),
            exported_before=months_before(now, settings.SUBJECT_ACCESS_RECORD_RETENTION_MONTHS),
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

    def anonymous_enquiries(self) -> QuerySet:
        """Enquiries that are, or are about to be, anonymised."""
        return Enquiry.objects.filter(
            Q(anonymised_at__isnull=False) | Q(pk__in=self.enquiries().values("pk"))
        )

    def consents(self) -> QuerySet:
        """Current permissions not given or renewed since the cut-off, whoever holds them (an
        enquiry, or an event booking through `events.BookingConsent`), and those of enquiries
        about to be anonymised (there is nobody left to keep in touch with). A booking's are
        deleted with its details besides."""
        return (
            KeepInTouchConsent.objects.filter(ended_at__isnull=True)
            .annotate(confirmed_at=Coalesce("renewed_at", "given_at"))
            .filter(Q(confirmed_at__lt=self.confirmed_before) | Q(enquiry__in=self.enquiries()))
        )

    def subject_access_records(self) -> QuerySet:
        """The log of subject access exports made before its retention period."""
        return SubjectAccessRecord.objects.filter(at__lt=self.exported_before)

    def _anonymous_references(self) -> Q:
        """Messages about enquiries, and other apps' rows, that are, or are about to be,
        anonymised."""
        about = Q(reference__in=self.anonymous_enquiries().values("reference"))
        for rule in _retention_rules():
            about |= rule.messages_about(self)
        return about

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
        cutoffs = [
            (10, "enquiries closed before", self.closed_before),
            (30, "keep-in-touch permission given or renewed before", self.confirmed_before),
            (40, "messages and task results finished before", self.finished_before),
            (70, "suspected spam held before", self.held_before),
            (80, "subject access exports made before", self.exported_before),
        ]
        cutoffs += [
            (rule.position, rule.cutoff_label, rule.cutoff(self)) for rule in _retention_rules()
        ]
        cutoffs.sort(key=lambda cutoff: cutoff[0])
        return {label: moment for _position, label, moment in cutoffs}


def apply_retention(
    now: datetime | None = None, *, dry_run: bool = False, batch_size: int = BATCH_SIZE
) -> RetentionReport:
    """Apply every retention rule once. Idempotent: a second run finds nothing to do.

    Each batch is its own transaction and rows are locked and re-checked, so the command is safe
    to run daily beside the web and worker processes, and an interrupted run simply continues
    next time.
    """
    plan = RetentionPlan.at(now)
    rules = _retention_rules()
    report = RetentionReport(
        dry_run=dry_run, cutoffs=plan.cutoffs(), counts={rule.name: 0 for rule in rules}
    )
    if dry_run:
        report.consents_expired = plan.consents().count()
        report.enquiries_anonymised = plan.enquiries().count()
        for rule in rules:
            report.counts[rule.name] = rule.due(plan).count()
        report.messages_deleted = plan.messages_to_delete().count()
        report.messages_blanked = plan.messages_to_blank().count()
        report.task_results_deleted = plan.task_results().count()
        report.held_deleted = plan.held().count()
        report.subject_access_records_deleted = plan.subject_access_records().count()
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

    # After the enquiries, so that rows linked to one anonymised just now follow it.
    for rule in rules:
        for batch in _in_batches(rule.due(plan), batch_size):
            with transaction.atomic():
                report.counts[rule.name] += rule.apply(
                    rule.due(plan).filter(pk__in=batch), plan.now
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
    for batch in _in_batches(plan.subject_access_records(), batch_size):
        with transaction.atomic():
            report.subject_access_records_deleted += (
                plan.subject_access_records().filter(pk__in=batch).delete()[0]
            )
    return report


# --- subject access ------------------------------------------------------------------------------

ENQUIRY_COLUMNS: Columns = {
    "enquiry.Enquiry": {
        "reference": "reference",
        "created_at": "received_at",
        "received_via": "received_via",
        "entered_by": "recorded_by",
        "language": "language",
        "first_name": "first_name",
        "last_name": "last_name",
        "email": "email",
        "phone": "phone",
        "postcode": "postcode",
        "question": "question",
        "postcode_district": "postcode_district",
        "council": "council",
        "fostering_types": "fostering_types",
        "spare_bedroom": "spare_bedroom",
        "contact_method": "contact_method",
        "contact_time": "contact_time",
        "heard_about": "heard_about",
        "heard_about_label": "heard_about",
        **ATTRIBUTION_COLUMNS,
        "stage": "stage",
        "closed_reason": "closed_reason",
        "contacted_on": "contacted_on",
        "visit_booked_on": "visit_booked_on",
        "visit_done_on": "visit_done_on",
        "application_on": "application_on",
        "approved_on": "approved_on",
        "closed_on": "closed_on",
        "handed_over_on": "handed_over_on",
        "anonymised_at": "anonymised_at",
    }
}
ENQUIRY_NOT_EXPORTED: Columns = {
    "enquiry.Enquiry": {
        "id": "not personal: the row's number in the database (the reference stands for it)",
        "submission_token": "not personal: a random number the form was shown with, so that "
        "the same form sent twice finds the first enquiry",
        "fingerprint": "derived: a keyed hash of the answers exported here, so that the same "
        "answers sent twice find the first enquiry",
        "received_on": "derived: the UK date of received_at",
        "search_phone": "derived: the phone number as the admin search compares it",
        "search_postcode": "derived: the postcode as the admin search compares it",
    }
}


def collect_enquiries(email: str) -> list[Record]:
    records = []
    for enquiry in (
        enquiries_of(email)
        .select_related("council", "entered_by", *ATTRIBUTION_RELATED)
        .prefetch_related("fostering_types")
    ):
        records.append(
            {
                "reference": enquiry.reference,
                "received_at": iso(enquiry.created_at),
                "received_via": choice_label(ReceivedVia, enquiry.received_via),
                "recorded_by": history_author(enquiry.entered_by) if enquiry.entered_by else "",
                "language": enquiry.language,
                "first_name": enquiry.first_name,
                "last_name": enquiry.last_name,
                "email": enquiry.email,
                "phone": enquiry.phone,
                "postcode": enquiry.postcode,
                "postcode_district": enquiry.postcode_district,
                "council": enquiry.council.name if enquiry.council else "Not sure yet",
                "fostering_types": sorted(page.title for page in enquiry.fostering_types.all()),
                "spare_bedroom": choice_label(SpareBedroom, enquiry.spare_bedroom),
                "contact_method": choice_label(ContactMethod, enquiry.contact_method),
                "contact_time": choice_label(ContactTime, enquiry.contact_time),
                "question": enquiry.question,
                "heard_about": enquiry.heard_about_label,
                **describe_attribution(enquiry),
                "stage": choice_label(Stage, enquiry.stage),
                "closed_reason": choice_label(ClosedReason, enquiry.closed_reason),
                "contacted_on": iso(enquiry.contacted_on),
                "visit_booked_on": iso(enquiry.visit_booked_on),
                "visit_done_on": iso(enquiry.visit_done_on),
                "application_on": iso(enquiry.application_on),
                "approved_on": iso(enquiry.approved_on),
                "closed_on": iso(enquiry.closed_on),
                "handed_over_on": iso(enquiry.handed_over_on),
                "anonymised_at": iso(enquiry.anonymised_at),
            }
        )
    return records


CONSENT_COLUMNS: Columns = {
    "enquiry.KeepInTouchConsent": {
        "enquiry": "reference",
        "channel": "channel",
        "wording": "wording",
        "language": "language",
        "given_at": "given_at",
        "renewed_at": "renewed_at",
        "ended_at": "ended_at",
        "end_reason": "end_reason",
    }
}
CONSENT_NOT_EXPORTED: Columns = {
    "enquiry.KeepInTouchConsent": {"id": "not personal: the row's number in the database"}
}


def collect_consents(email: str) -> list[Record]:
    consents = KeepInTouchConsent.objects.filter(enquiry__in=enquiries_of(email)).select_related(
        "enquiry"
    )
    return [
        {
            "reference": consent.enquiry.reference,
            "channel": consent.get_channel_display(),
            "wording": consent.wording,
            "language": consent.language,
            "given_at": iso(consent.given_at),
            "renewed_at": iso(consent.renewed_at),
            "ended_at": iso(consent.ended_at),
            "end_reason": consent.get_end_reason_display() if consent.end_reason else "",
        }
        for consent in consents.order_by("enquiry__created_at", "channel")
    ]


HISTORY_COLUMNS: Columns = {
    "enquiry.EnquiryHistory": {
        "enquiry": "reference",
        "at": "at",
        "action": "action",
        "from_value": "from",
        "to_value": "to",
        "effective_on": "date",
        "by": "by",
        "by_name": "by",
        "note": "note",
    }
}
HISTORY_NOT_EXPORTED: Columns = {
    "enquiry.EnquiryHistory": {"id": "not personal: the row's number in the database"}
}


def collect_history(email: str) -> list[Record]:
    entries = EnquiryHistory.objects.filter(enquiry__in=enquiries_of(email)).select_related(
        "enquiry"
    )
    return [
        {
            "reference": entry.enquiry.reference,
            "at": iso(entry.at),
            "action": entry.get_action_display(),
            "from": entry.from_label,
            "to": entry.to_label,
            "date": iso(entry.effective_on),
            "by": entry.by_name,
            "note": entry.note,
        }
        for entry in entries.order_by("enquiry__created_at", "at", "pk")
    ]


RECIPIENT_DESCRIPTIONS = {
    "enquiry.hub_notification": "The hub's enquiry team (a notice without your details)",
    "enquiry.council_notification": "The council's fostering team (a notice without your details)",
    "enquiry.handover": "The council's fostering team (a notice without your details)",
}
MESSAGE_COLUMNS: Columns = {
    "outbox.OutboxMessage": {
        "reference": "reference",
        "kind": "kind",
        "topic": "topic",
        # The person's own address, or who else was told (never a member of staff's address).
        "recipient": "sent_to",
        "signing_council": "sent_to",
        "subject": "subject",
        "status": "status",
        "created_at": "created_at",
        "sent_at": "sent_at",
    }
}
MESSAGE_NOT_EXPORTED: Columns = {
    "outbox.OutboxMessage": {
        "id": "not personal: the row's number in the database",
        "body": "derived: the words of the email, made from the enquiry or booking exported "
        "in full above (staff notices hold only its reference and an admin link)",
        "payload": "derived: what a council's system was sent, the enquiry's own fields",
        "attachments": "derived: a booking's calendar file, made from its event",
        "attempts": "not personal: how often sending was tried",
        "next_attempt_at": "not personal: when sending is tried next",
        "last_attempt_at": "not personal: when sending was last tried",
        "last_error": "not personal: the mail server's answer to a failed try",
    }
}


def collect_messages(email: str) -> list[Record]:
    """Messages sent to the address, and messages about the person's enquiries and other rows
    (to say who was told about them: the hub team, the council's team, the council's system)."""
    references = enquiries_of(email).values("reference")
    about = Q(recipient__iregex=_address_regex(email)) | Q(reference__in=references)
    for messages_about in MESSAGES_ABOUT.values():
        about |= messages_about(email)
    messages = OutboxMessage.objects.filter(about).select_related("signing_council")
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
                "created_at": iso(message.created_at),
                "sent_at": iso(message.sent_at),
            }
        )
    return records


HELD_COLUMNS: Columns = {
    "enquiry.HeldSubmission": {
        "kind": "kind",
        "received_at": "received_at",
        "reason": "why_it_was_held",
        "event": "event",
        "language": "language",
        "email": "email",
        "name": "name",
        "answers": "answers",
        "touches": "first_touch",
    }
}
HELD_NOT_EXPORTED: Columns = {
    "enquiry.HeldSubmission": {
        "id": "not personal: the row's number in the database",
        "submission_token": "not personal: a random number the form was shown with",
        "fingerprint": "derived: a keyed hash of the answers exported here",
    }
}


def collect_held(email: str) -> list[Record]:
    """Posts held as suspected spam under the address, with everything they hold."""
    return [
        {
            "kind": held.get_kind_display(),
            "received_at": iso(held.received_at),
            "why_it_was_held": held.get_reason_display(),
            "event": held.event.title if held.event_id else "",
            "language": held.language,
            "email": held.email,
            "name": held.name,
            "answers": held.answers,
            "first_touch": describe_touch(held.touches.get("first")),
            "last_touch": describe_touch(held.touches.get("last")),
        }
        for held in HeldSubmission.objects.matching_email(email)
        .select_related("event")
        .order_by("received_at", "pk")
    ]


register_section(
    "enquiries",
    "enquiry",
    collect_enquiries,
    position=10,
    columns=ENQUIRY_COLUMNS,
    not_exported=ENQUIRY_NOT_EXPORTED,
    lists_references=True,
)
register_section(
    "keep_in_touch_consents",
    "keep-in-touch permission",
    collect_consents,
    position=20,
    columns=CONSENT_COLUMNS,
    not_exported=CONSENT_NOT_EXPORTED,
)
register_section(
    "enquiry_history",
    "enquiry history",
    collect_history,
    position=30,
    columns=HISTORY_COLUMNS,
    not_exported=HISTORY_NOT_EXPORTED,
)
register_section(
    "outgoing_messages",
    "outgoing message",
    collect_messages,
    position=50,
    columns=MESSAGE_COLUMNS,
    not_exported=MESSAGE_NOT_EXPORTED,
)
register_section(
    "held_as_suspected_spam",
    "held as suspected spam",
    collect_held,
    position=60,
    columns=HELD_COLUMNS,
    not_exported=HELD_NOT_EXPORTED,
)


def subject_access_export(email: str) -> dict[str, Any]:
    """Everything held about an email address (matched case-insensitively), by section.

    Whoever runs one for a person records it (`record_subject_access`)."""
    email = normalise_email(email)
    export: dict[str, Any] = {
        "email": email,
        "generated_at": iso(timezone.now()),
        "sections": {section.name: section.collect(email) for section in SECTIONS},
    }
    return export


def _cell(value: Any) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        value = "; ".join(str(item) for item in value)
    return neutralise_formula(str(value))


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


def _own_records(export: dict[str, Any]) -> Iterable[Record]:
    """The records of the person's own rows (enquiries, bookings), in the export's order."""
    for section in SECTIONS:
        if section.lists_references:
            yield from export["sections"].get(section.name, [])


def origins(export: dict[str, Any]) -> list[tuple[str, str]]:
    """(reference, where it came from in words) of each of the person's enquiries and bookings,
    for the admin page."""
    return [
        (record["reference"], record["came_from"])
        for record in _own_records(export)
        if record.get("came_from")
    ]


def person_key(email: str) -> str:
    """A keyed hash of an address (HMAC with the site's secret): the same person's requests
    share it, and nobody without the secret can check a guessed address against it."""
    return duplicates.keyed("subject-access", {"email": duplicates.normalised_text(email)})


def record_subject_access(export: dict[str, Any], *, by, delivered_as: str) -> SubjectAccessRecord:
    """Log that an export was run: who, when, how it was delivered, the references of the
    person's enquiries and bookings it found and how many records of each kind. Never the
    address: its keyed hash (`person_key`) only."""
    references = list(
        dict.fromkeys(
            record["reference"] for record in _own_records(export) if record.get("reference")
        )
    )
    return SubjectAccessRecord.objects.create(
        by=by,
        by_name=history_author(by),
        delivered_as=SubjectAccessRecord.DeliveredAs(delivered_as),
        references=", ".join(references),
        counts=[[record_type, count] for record_type, count in summary(export)],
        person_key=person_key(export["email"]),
    )


# --- erasure -------------------------------------------------------------------------------------


@dataclass
class ErasurePreview:
    """What erasing an address would change, shown before staff confirm.

    `others` holds each registered part's references by its name; they read as attributes too
    (`preview.registrations`, the event bookings).
    """

    references: list[str]
    consents: int
    messages: int
    held: int = 0  # posts held as suspected spam
    others: dict[str, list[str]] = field(default_factory=dict)

    def __getattr__(self, name: str) -> list[str]:
        others = self.__dict__.get("others") or {}
        if name in others:
            return others[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    @property
    def lists(self) -> list[tuple[str, list[str]]]:
        """(heading, references) of each registered part, in the order they were registered."""
        return [(part.heading, self.others.get(name, [])) for name, part in ERASURE_PARTS.items()]

    @property
    def holds_anything(self) -> bool:
        others = any(self.others.values())
        return bool(self.references or others or self.messages or self.held)


def _messages_of(email: str, references: list[str]) -> QuerySet:
    return OutboxMessage.objects.filter(
        Q(recipient__iregex=_address_regex(email)) | Q(reference__in=references)
    )


def preview_erasure(email: str) -> ErasurePreview:
    email = normalise_email(email)
    enquiries = Enquiry.objects.personal().matching_email(email).order_by("created_at")
    references = list(enquiries.values_list("reference", flat=True))
    others = {name: part.preview(email) for name, part in ERASURE_PARTS.items()}
    their_references = [reference for found in others.values() for reference in found]
    return ErasurePreview(
        references=references,
        consents=KeepInTouchConsent.objects.filter(
            enquiry__in=enquiries, ended_at__isnull=True
        ).count(),
        messages=_messages_of(email, references + their_references)
        .filter(BLANKABLE | HAS_CONTENT)
        .count(),
        held=HeldSubmission.objects.matching_email(email).count(),
        others=others,
    )


def erase_person(email: str, by, reason: str) -> ErasureRecord:
    """Erase one person's data on request, in one transaction, and record that it happened.

    Every enquiry under the address is anonymised as retention would, posts held as suspected
    spam under it are deleted, their keep-in-touch permissions end ("erased"), their subject
    access requests in the log are no longer tied to them (the key is blanked), the registered
    parts erase theirs (event bookings are anonymised; reports still count them), messages not
    yet sent (a booking's reminder too) are cancelled and blanked, and sent ones deleted. The
    ErasureRecord keeps the references, who did it, when and why: never the address or the
    name.
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
        # The other apps' rows first, while the enquiries still hold the address (rows linked
        # to one of them are the person's too).
        theirs = [
            reference for part in ERASURE_PARTS.values() for reference in part.erase(email, now)
        ]
        KeepInTouchConsent.objects.filter(enquiry__in=enquiries, ended_at__isnull=True).update(
            ended_at=now, end_reason="erased"
        )
        for enquiry in enquiries:
            _anonymise(enquiry, now=now, by=by, note="Erased at the person's request.")
        messages = _messages_of(email, references + theirs)
        # Blank first: a message a worker is sending right now is locked, so this waits for it;
        # if it was sent meanwhile, the delete below then removes it.
        messages.filter(BLANKABLE).update(**BLANKED)
        messages.filter(status=OutboxMessage.Status.SENT).delete()
        held = HeldSubmission.objects.matching_email(email).delete()[0]
        # The log of their subject access requests stays (it shows they were answered), no
        # longer tied to the person.
        SubjectAccessRecord.objects.filter(person_key=person_key(email)).update(person_key="")
        if held:
            references.append(f"{held} held as suspected spam")
        return ErasureRecord.objects.create(
            at=now,
            by=by,
            by_name=history_author(by),
            references=", ".join(references + theirs) or "No enquiries held",
            reason=reason.strip()[:200],
        )
