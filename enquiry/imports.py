"""Importing outcomes from a council's case-management system (a CSV keyed by reference).

All or nothing: `check_outcomes` reads and validates every row first; `apply_outcomes` runs only
when no row is wrong, and applies them all in one transaction. A reference the person may not
see is reported exactly like a reference that does not exist, so the import cannot be used to
find out which references another council holds.

The format (documented on the upload page):

    reference,stage,date,closed_reason,note
    HUB-2026-000123,visit_done,2026-11-20,,Visit went well
    HUB-2026-000124,Closed,21/11/2026,Withdrawn,
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.forms import clean_text

from .models import ClosedReason, Enquiry, Stage

COLUMNS = ["reference", "stage", "date", "closed_reason", "note"]
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
NOTE_MAX_LENGTH = 2000
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")


@dataclass
class RowError:
    """What is wrong, and where: `row` is the spreadsheet row number (the header is row 1)."""

    row: int | None
    message: str
    reference: str = ""


@dataclass
class Outcome:
    row: int
    enquiry: Enquiry
    stage: str
    on: date
    closed_reason: str = ""
    note: str = ""

    @property
    def changes_anything(self) -> bool:
        return _changes(self.enquiry, self.stage, self.closed_reason)


def _changes(enquiry: Enquiry, stage: str, closed_reason: str) -> bool:
    """Whether an outcome differs from what is recorded (the same file twice changes nothing)."""
    return enquiry.stage != stage or (
        stage == Stage.CLOSED and enquiry.closed_reason != closed_reason
    )


@dataclass
class CheckedFile:
    outcomes: list[Outcome] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors and bool(self.outcomes)


def _lookup(choices: type, text: str) -> str | None:
    """A choice by its stored value or its label, ignoring case and spacing."""
    wanted = " ".join(text.split()).casefold()
    for value, label in choices.choices:
        if wanted in (value.casefold(), str(label).casefold()):
            return value
    return None


def parse_date(text: str) -> date | None:
    for date_format in DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), date_format).date()
        except ValueError:
            continue
    return None


def _decode(data: bytes) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def check_outcomes(data: bytes, user) -> CheckedFile:
    """Read and validate every row; nothing is saved."""
    result = CheckedFile()
    if len(data) > MAX_BYTES:
        result.errors.append(RowError(None, _("The file must be 2 MB or smaller")))
        return result
    text = _decode(data)
    if text is None:
        result.errors.append(RowError(None, _("The file must be a CSV saved as UTF-8 text")))
        return result
    if not text.strip():
        result.errors.append(RowError(None, _("The file is empty")))
        return result

    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [name.strip().lower() for name in next(reader)]
        records = list(reader)
    except csv.Error:
        result.errors.append(RowError(None, _("The file could not be read as CSV")))
        return result
    if header != COLUMNS:
        result.errors.append(
            RowError(
                1,
                _("The first row must be the column names %(columns)s")
                % {"columns": ",".join(COLUMNS)},
            )
        )
        return result
    numbered = [
        (number, record)
        for number, record in enumerate(records, start=2)
        if any(cell.strip() for cell in record)  # a blank line is not a row
    ]
    if not numbered:
        result.errors.append(RowError(None, _("The file has no outcomes below the column names")))
        return result
    if len(numbered) > MAX_ROWS:
        result.errors.append(
            RowError(None, _("The file must have %(max)s rows or fewer") % {"max": MAX_ROWS})
        )
        return result

    references = {
        record[0].strip().upper() for _number, record in numbered if record and record[0].strip()
    }
    visible = {
        enquiry.reference: enquiry
        for enquiry in Enquiry.objects.for_user(user).filter(reference__in=references)
    }
    seen: dict[str, int] = {}
    for number, record in numbered:
        _check_row(number, record, visible, seen, result)
    return result


def _check_row(
    number: int,
    record: list[str],
    visible: dict[str, Enquiry],
    seen: dict[str, int],
    result: CheckedFile,
) -> None:
    def error(message: str) -> None:
        result.errors.append(RowError(number, message, reference))

    reference = record[0].strip().upper() if record else ""
    if len(record) != len(COLUMNS):
        error(
            _("The row must have %(count)s columns, like the column names")
            % {"count": len(COLUMNS)}
        )
        return
    _ref, stage_text, date_text, reason_text, note_text = (cell.strip() for cell in record)
    problems = []

    enquiry = None
    if not reference:
        problems.append(_("Enter the enquiry reference"))
    elif reference in seen:
        problems.append(
            _("The reference is also on row %(row)s: give one outcome per enquiry")
            % {"row": seen[reference]}
        )
    else:
        seen[reference] = number
        enquiry = visible.get(reference)
        if enquiry is None:
            problems.append(_("There is no enquiry with this reference"))

    stage = _lookup(Stage, stage_text) if stage_text else None
    if not stage_text:
        problems.append(_("Enter the stage"))
    elif stage is None:
        problems.append(
            _("The stage must be one of: %(stages)s")
            % {"stages": ", ".join(value for value in Stage.values)}
        )

    on = parse_date(date_text) if date_text else None
    if not date_text:
        problems.append(_("Enter the date, like 2026-11-23 or 23/11/2026"))
    elif on is None:
        problems.append(_("The date must be a real date, like 2026-11-23 or 23/11/2026"))
    elif on > timezone.localdate():
        problems.append(_("The date must be today or in the past"))

    reason = _lookup(ClosedReason, reason_text) if reason_text else ""

    if enquiry is not None and on is not None and on <= timezone.localdate():
        # Not before the enquiry came in, nor before a milestone the move keeps. A row that
        # changes nothing is not applied, so only the received date counts for it.
        changes = stage is not None and _changes(enquiry, stage, reason or "")
        try:
            enquiry.check_stage_date(stage if changes else None, on)
        except ValidationError as too_early:
            problems.extend(too_early.messages)
    if reason is None:
        problems.append(
            _("The closed reason must be one of: %(reasons)s")
            % {"reasons": ", ".join(ClosedReason.values)}
        )
    elif stage == Stage.CLOSED and not reason:
        problems.append(_("Give the closed reason for a closed enquiry"))
    elif stage and stage != Stage.CLOSED and reason:
        problems.append(_("Leave the closed reason empty unless the stage is closed"))

    note = ""
    try:
        note = clean_text(note_text)
    except ValidationError:
        problems.append(_("Remove the unusual characters from the note"))
    if len(note) > NOTE_MAX_LENGTH:
        problems.append(
            _("The note must be %(max)s characters or fewer") % {"max": NOTE_MAX_LENGTH}
        )

    for problem in problems:
        error(problem)
    if not problems:
        result.outcomes.append(Outcome(number, enquiry, stage, on, reason or "", note))


def apply_outcomes(checked: CheckedFile, user) -> int:
    """Apply every checked outcome in one transaction; return how many enquiries changed.

    Rows that match what is already recorded are left alone (importing the same file twice
    changes nothing the second time). Raises PermissionError if an enquiry is no longer
    visible to the person, and ValidationError if one's dates changed since the check so that
    its row's date now comes before them; either way nothing is applied.
    """
    if not checked.is_valid:
        raise ValueError("Only a file without errors can be applied.")
    changed = 0
    with transaction.atomic():
        pks = [outcome.enquiry.pk for outcome in checked.outcomes]
        # Lock the rows and re-apply the row-level rule, in case access changed meanwhile.
        current = {
            enquiry.pk: enquiry
            for enquiry in Enquiry.objects.for_user(user).select_for_update().filter(pk__in=pks)
        }
        if len(current) != len(set(pks)):
            raise PermissionError("An enquiry in the file is no longer visible to this person.")
        for outcome in checked.outcomes:
            outcome.enquiry = current[outcome.enquiry.pk]
            if not outcome.changes_anything:
                continue
            outcome.enquiry.check_stage_date(outcome.stage, outcome.on)
            outcome.enquiry.move_to(
                outcome.stage,
                by=user,
                on=outcome.on,
                closed_reason=outcome.closed_reason,
                note=" ".join(filter(None, [_("Imported from a council’s system."), outcome.note])),
                source="import",
            )
            changed += 1
    return changed
