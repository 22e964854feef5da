"""Milestone dates stay consistent whichever way an enquiry moves.

Staff (and a council's outcome import) date every stage change. A date before a milestone the
move keeps is refused with the day it must not precede; moving back along the journey is a
correction that clears the later milestones and says so in the history; closing and "keep in
touch" keep the milestones reached; reopening clears the closure. The people, councils and
enquiries are the shared fixtures in testkit/fixtures.py.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from enquiry import imports
from enquiry.admin_forms import StageChangeForm
from enquiry.models import ClosedReason, Enquiry, EnquiryHistory, Stage
from enquiry.tests.factories import EnquiryFactory
from testkit.admin import index_url, read_csv
from testkit.html import parse

pytestmark = pytest.mark.django_db

HEADER = "reference,stage,date,closed_reason,note"


def days_ago(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)


def long_date(day: date) -> str:
    return day.strftime("%-d %B %Y")


def stage_url(enquiry: Enquiry) -> str:
    return reverse("enquiries:stage", args=[enquiry.pk])


def change_stage(client, enquiry: Enquiry, stage: str, on: date, **extra):
    return client.post(stage_url(enquiry), {"stage": stage, "on": on.isoformat(), **extra})


def milestones(enquiry: Enquiry) -> dict[str, date | None]:
    enquiry.refresh_from_db()
    return {
        field: getattr(enquiry, field)
        for field in (
            "contacted_on",
            "visit_booked_on",
            "visit_done_on",
            "application_on",
            "approved_on",
            "closed_on",
        )
    }


@pytest.fixture
def enquiry(councils) -> Enquiry:
    """A Derby enquiry that came in thirty days ago."""
    made = EnquiryFactory(council=councils["derby"])
    received = timezone.now() - timedelta(days=30)
    Enquiry.objects.filter(pk=made.pk).update(
        created_at=received, received_on=timezone.localdate(received)
    )
    made.refresh_from_db()
    return made


def refused(response, message: str) -> None:
    """The stage form came back with this message and nothing was saved."""
    assert response.status_code == 200
    assert parse(response).has_text(message), message


# --- (a) A later stage dated before an earlier milestone ------------------------------------------


def test_a_later_stage_cannot_be_backdated_before_the_first_contact(enquiry, people, client):
    client.force_login(people["derby"])
    assert change_stage(client, enquiry, Stage.CONTACTED, days_ago(10)).status_code == 302

    response = change_stage(client, enquiry, Stage.VISIT_DONE, days_ago(20))
    refused(
        response,
        f"The date must be on or after {long_date(days_ago(10))}, "
        "when the person was first contacted",
    )
    enquiry.refresh_from_db()
    assert enquiry.stage == Stage.CONTACTED
    assert enquiry.history.filter(action=EnquiryHistory.Action.STAGE).count() == 1

    # The same day as the contact, or later, is fine; the visit is booked and done that day.
    assert change_stage(client, enquiry, Stage.VISIT_DONE, days_ago(10)).status_code == 302
    assert milestones(enquiry) == {
        "contacted_on": days_ago(10),
        "visit_booked_on": days_ago(10),
        "visit_done_on": days_ago(10),
        "application_on": None,
        "approved_on": None,
        "closed_on": None,
    }


def test_the_stage_form_lists_the_dates_recorded_and_explains_moving_back(enquiry, people, client):
    enquiry.move_to(Stage.VISIT_BOOKED, on=days_ago(4))
    client.force_login(people["hub"])
    page = parse(client.get(stage_url(enquiry)))
    assert page.has_text(
        "Moving back to an earlier stage corrects a mistake: "
        "the dates of the later stages are cleared."
    )
    assert page.has_text(f"First contacted {long_date(days_ago(4))}")
    assert page.has_text(f"Initial visit booked {long_date(days_ago(4))}")
    assert page.has_text("not before the dates already recorded")


def test_move_to_itself_refuses_a_date_before_a_milestone_it_keeps(enquiry):
    enquiry.move_to(Stage.APPLICATION, on=days_ago(5))
    with pytest.raises(ValidationError) as refusal:
        enquiry.move_to(Stage.APPROVED, on=days_ago(6))
    assert refusal.value.messages == [
        f"The date must be on or after {long_date(days_ago(5))}, when the application was received"
    ]
    enquiry.refresh_from_db()
    assert (enquiry.stage, enquiry.approved_on) == (Stage.APPLICATION, None)


def test_a_stage_change_is_checked_again_against_the_enquiry_as_it_is_when_saved(enquiry, people):
    """Two people at once: the second form was checked before the first change was saved."""
    stale = Enquiry.objects.get(pk=enquiry.pk)
    form = StageChangeForm(
        data={"stage": Stage.CONTACTED, "on": days_ago(8).isoformat()}, enquiry=stale
    )
    assert form.is_valid(), form.errors
    enquiry.move_to(Stage.VISIT_BOOKED, on=days_ago(3), by=people["hub"])

    with pytest.raises(ValidationError):
        form.save(by=people["derby"])
    assert milestones(enquiry)["visit_booked_on"] == days_ago(3)
    assert enquiry.stage == Stage.VISIT_BOOKED


# --- (b) Moving back corrects a slip --------------------------------------------------------------


def test_moving_back_clears_the_later_milestones_and_says_so(enquiry, people, client):
    client.force_login(people["hub"])
    change_stage(client, enquiry, Stage.CONTACTED, days_ago(20))
    change_stage(client, enquiry, Stage.VISIT_DONE, days_ago(12))
    change_stage(client, enquiry, Stage.APPROVED, days_ago(1))  # the wrong enquiry
    enquiry.refresh_from_db()
    assert enquiry.furthest_stage == Stage.APPROVED

    response = change_stage(client, enquiry, Stage.VISIT_DONE, timezone.localdate())
    assert response.status_code == 302
    assert milestones(enquiry) == {
        "contacted_on": days_ago(20),
        "visit_booked_on": days_ago(12),
        "visit_done_on": days_ago(12),
        "application_on": None,
        "approved_on": None,
        "closed_on": None,
    }
    assert enquiry.stage == Stage.VISIT_DONE
    assert enquiry.furthest_stage == Stage.VISIT_DONE
    entry = enquiry.history.filter(action=EnquiryHistory.Action.STAGE).last()
    assert (entry.from_value, entry.to_value) == (Stage.APPROVED, Stage.VISIT_DONE)
    assert entry.note == "Corrected: cleared Application received, Approved."
    assert entry.by == people["hub"]

    # What the reports read: no application and no approval for this enquiry.
    assert not Enquiry.objects.filter(approved_on__isnull=False).exists()
    (row,) = read_csv(client.get(index_url(export="csv")))
    assert (row["Application received"], row["Approved"]) == ("", "")
    assert row["Initial visit done"] == days_ago(12).isoformat()

    page = parse(client.get(reverse("enquiries:inspect", args=[enquiry.pk])))
    assert page.has_text("Corrected: cleared Application received, Approved.")


def test_a_correction_keeps_the_staff_note_after_saying_what_it_cleared(enquiry, people, client):
    enquiry.move_to(Stage.VISIT_BOOKED, on=days_ago(3))
    client.force_login(people["derby"])
    response = change_stage(
        client, enquiry, Stage.CONTACTED, timezone.localdate(), note="Booked in error"
    )
    assert response.status_code == 302
    entry = enquiry.history.filter(action=EnquiryHistory.Action.STAGE).last()
    assert entry.note == "Corrected: cleared Initial visit booked. Booked in error"
    assert milestones(enquiry)["visit_booked_on"] is None


def test_moving_back_to_new_clears_every_milestone(enquiry, people):
    enquiry.move_to(Stage.VISIT_DONE, on=days_ago(2))
    enquiry.move_to(Stage.NEW, by=people["hub"])
    assert set(milestones(enquiry).values()) == {None}
    assert enquiry.furthest_stage == Stage.NEW
    assert enquiry.history.last().note == (
        "Corrected: cleared Contacted (initial response), Initial visit booked, Initial visit done."
    )


def test_a_correction_may_be_dated_before_the_milestones_it_clears(enquiry, people, client):
    """Only the milestones that stay count: the ones being cleared never happened."""
    enquiry.move_to(Stage.CONTACTED, on=days_ago(20))
    enquiry.move_to(Stage.APPLICATION, on=days_ago(2))
    client.force_login(people["hub"])

    refused(
        change_stage(client, enquiry, Stage.CONTACTED, days_ago(21)),
        f"The date must be on or after {long_date(days_ago(20))}, "
        "when the person was first contacted",
    )
    assert change_stage(client, enquiry, Stage.CONTACTED, days_ago(15)).status_code == 302
    assert milestones(enquiry)["contacted_on"] == days_ago(20)
    assert milestones(enquiry)["application_on"] is None
    assert enquiry.history.last().effective_on == days_ago(15)


def test_moving_forwards_writes_no_correction(enquiry, people):
    enquiry.move_to(Stage.CONTACTED, on=days_ago(5))
    entry = enquiry.move_to(Stage.VISIT_BOOKED, on=days_ago(4), note="Thursday at 10")
    assert entry.note == "Thursday at 10"


# --- (c) Closing and "keep in touch" keep the milestones, dated after them -------------------------


@pytest.mark.parametrize("stage", [Stage.CLOSED, Stage.KEEP_IN_TOUCH])
def test_closing_or_pausing_cannot_be_dated_before_a_milestone(stage, enquiry, people, client):
    enquiry.move_to(Stage.CONTACTED, on=days_ago(20))
    enquiry.move_to(Stage.APPLICATION, on=days_ago(6))
    client.force_login(people["hub"])

    response = change_stage(client, enquiry, stage, days_ago(7), closed_reason="withdrawn")
    refused(
        response,
        f"The date must be on or after {long_date(days_ago(6))}, when the application was received",
    )
    enquiry.refresh_from_db()
    assert enquiry.stage == Stage.APPLICATION

    response = change_stage(client, enquiry, stage, days_ago(6), closed_reason="withdrawn")
    assert response.status_code == 302
    after = milestones(enquiry)
    # The milestones happened: they stay, and the funnel still counts the application.
    assert (after["contacted_on"], after["application_on"]) == (days_ago(20), days_ago(6))
    assert after["closed_on"] == (days_ago(6) if stage == Stage.CLOSED else None)
    assert enquiry.furthest_stage == Stage.APPLICATION
    assert "Corrected" not in enquiry.history.last().note


def test_closing_with_a_reason_keeps_the_reason_first_in_the_note(enquiry, people):
    enquiry.move_to(Stage.CONTACTED, on=days_ago(3))
    entry = enquiry.move_to(
        Stage.CLOSED, on=days_ago(1), closed_reason=ClosedReason.NOT_ELIGIBLE, note="Moved away"
    )
    assert entry.note == "Not eligible. Moved away"


# --- Reopening ------------------------------------------------------------------------------------


def test_reopening_clears_the_closure_and_keeps_the_milestones(enquiry, people, client):
    enquiry.move_to(Stage.VISIT_DONE, on=days_ago(20))
    enquiry.move_to(Stage.CLOSED, on=days_ago(10), closed_reason=ClosedReason.WITHDRAWN)
    client.force_login(people["hub"])

    refused(
        change_stage(client, enquiry, Stage.CONTACTED, days_ago(11)),
        f"The date must be on or after {long_date(days_ago(10))}, when the enquiry was closed",
    )
    response = change_stage(client, enquiry, Stage.CONTACTED, days_ago(2))
    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert (enquiry.stage, enquiry.closed_on, enquiry.closed_reason) == (Stage.CONTACTED, None, "")
    assert milestones(enquiry)["visit_done_on"] == days_ago(20)
    assert enquiry.furthest_stage == Stage.VISIT_DONE
    entry = enquiry.history.last()
    assert (entry.from_value, entry.to_value, entry.note) == (Stage.CLOSED, Stage.CONTACTED, "")


def test_a_stage_change_saves_only_the_stage_and_its_dates(enquiry):
    """A stale copy of the enquiry cannot put back details removed meanwhile."""
    stale = Enquiry.objects.get(pk=enquiry.pk)
    Enquiry.objects.filter(pk=enquiry.pk).update(
        anonymised_at=timezone.now(), first_name="", last_name="", email="", phone=""
    )
    stale.move_to(Stage.CONTACTED)
    enquiry.refresh_from_db()
    assert (enquiry.stage, enquiry.first_name, enquiry.email) == (Stage.CONTACTED, "", "")
    assert enquiry.is_anonymised


# --- The outcome import ---------------------------------------------------------------------------


def upload(client, text: str):
    return client.post(
        reverse("enquiries:import"),
        {"file": SimpleUploadedFile("outcomes.csv", text.encode(), "text/csv")},
    )


def test_the_import_refuses_a_date_before_a_milestone_and_applies_nothing(
    enquiry, councils, people, client
):
    other = EnquiryFactory(council=councils["derby"])
    enquiry.move_to(Stage.CONTACTED, on=days_ago(10))
    client.force_login(people["derby"])

    response = upload(
        client,
        f"{HEADER}\n"
        f"{other.reference},contacted,{timezone.localdate().isoformat()},,\n"
        f"{enquiry.reference},visit_done,{days_ago(12).isoformat()},,\n"
        f"{enquiry.reference.lower()}x,contacted,{days_ago(1).isoformat()},,\n",
    )
    assert response.status_code == 200
    errors = [(error.row, error.message) for error in response.context["checked"].errors]
    assert errors == [
        (
            3,
            f"The date must be on or after {long_date(days_ago(10))}, "
            "when the person was first contacted",
        ),
        (4, "There is no enquiry with this reference"),
    ]
    assert parse(response).has_text("Nothing was imported")
    other.refresh_from_db()
    assert other.stage == Stage.NEW
    assert milestones(enquiry)["visit_done_on"] is None

    enquiry.move_to(Stage.APPLICATION, on=days_ago(4))
    response = upload(
        client,
        f"{HEADER}\n"
        f"{other.reference},contacted,{timezone.localdate().isoformat()},,\n"
        f"{enquiry.reference},closed,{days_ago(5).isoformat()},withdrawn,\n",
    )
    assert [(e.row, e.message) for e in response.context["checked"].errors] == [
        (
            3,
            f"The date must be on or after {long_date(days_ago(4))}, "
            "when the application was received",
        )
    ]
    other.refresh_from_db()
    assert other.stage == Stage.NEW


def test_an_import_row_that_changes_nothing_is_not_held_to_the_milestones(enquiry, people):
    """The same file imported again after staff moved the enquiry on still imports cleanly."""
    enquiry.move_to(Stage.CONTACTED, on=days_ago(3))
    checked = imports.check_outcomes(
        f"{HEADER}\n{enquiry.reference},contacted,{days_ago(5).isoformat()},,\n".encode(),
        people["hub"],
    )
    assert checked.errors == []
    assert imports.apply_outcomes(checked, people["hub"]) == 0


def test_an_import_applies_nothing_if_dates_changed_after_the_check(enquiry, councils, people):
    other = EnquiryFactory(council=councils["derby"])
    checked = imports.check_outcomes(
        (
            f"{HEADER}\n"
            f"{other.reference},contacted,{timezone.localdate().isoformat()},,\n"
            f"{enquiry.reference},visit_done,{days_ago(6).isoformat()},,\n"
        ).encode(),
        people["hub"],
    )
    assert checked.is_valid
    enquiry.move_to(Stage.CONTACTED, on=days_ago(2))  # meanwhile, by someone else

    with pytest.raises(ValidationError):
        imports.apply_outcomes(checked, people["hub"])
    other.refresh_from_db()
    assert other.stage == Stage.NEW
    assert milestones(enquiry)["visit_done_on"] is None


def test_an_imported_correction_clears_the_later_milestones(enquiry, people, client):
    enquiry.move_to(Stage.APPLICATION, on=days_ago(3))
    client.force_login(people["hub"])
    response = upload(
        client, f"{HEADER}\n{enquiry.reference},visit_done,{days_ago(1).isoformat()},,\n"
    )
    assert response.status_code == 302
    assert milestones(enquiry)["application_on"] is None
    assert enquiry.history.last().note == (
        "Corrected: cleared Application received. Imported from a council’s system."
    )
