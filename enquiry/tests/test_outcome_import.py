"""Importing outcomes from a council's case-management system: all rows or none.

The upload page checks every row first and applies nothing while any row is wrong, listing the
problems by spreadsheet row number; a good file is applied in one transaction with the dated
history every stage change writes.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from enquiry import imports
from enquiry.models import Enquiry, EnquiryHistory, Stage
from enquiry.tests.factories import EnquiryFactory
from testkit.admin import assert_refused
from testkit.html import parse

pytestmark = pytest.mark.django_db

HEADER = "reference,stage,date,closed_reason,note"


def today(days_ago: int = 0, style: str = "iso") -> str:
    day = timezone.localdate() - timedelta(days=days_ago)
    return day.isoformat() if style == "iso" else day.strftime("%d/%m/%Y")


def upload(client, text: str | bytes, name: str = "outcomes.csv"):
    data = text.encode() if isinstance(text, str) else text
    return client.post(
        reverse("enquiries:import"), {"file": SimpleUploadedFile(name, data, "text/csv")}
    )


def problems(response) -> list[tuple[int | None, str]]:
    assert response.status_code == 200
    return [(error.row, error.message) for error in response.context["checked"].errors]


def stages() -> dict[str, str]:
    return dict(Enquiry.objects.values_list("reference", "stage"))


@pytest.fixture
def derby_enquiries(councils):
    """Three of Derby's enquiries, received ten days ago."""
    made = [EnquiryFactory(council=councils["derby"]) for _n in range(3)]
    Enquiry.objects.filter(pk__in=[e.pk for e in made]).update(
        created_at=timezone.now() - timedelta(days=10)
    )
    for enquiry in made:
        enquiry.refresh_from_db()
    return made


def test_the_page_documents_the_format(people, client):
    client.force_login(people["hub"])
    page = parse(client.get(reverse("enquiries:import")))
    assert page.has_text(HEADER)
    assert page.has_text("YYYY-MM-DD or DD/MM/YYYY")
    assert page.has_text("visit_booked (Initial visit booked)")
    assert page.has_text("not_proceeding (Not proceeding)")
    assert page.has_text("nothing is imported")


def test_a_good_file_is_applied_with_history(people, derby_enquiries, client):
    first, second, third = derby_enquiries
    client.force_login(people["derby"])
    response = upload(
        client,
        f"{HEADER}\n"
        f"{first.reference},visit_done,{today(1)},,Visit went well\n"
        f"{second.reference},Closed,{today(0, 'uk')},Withdrawn,\n"
        f"{third.reference.lower()}, Application received ,{today()},,\n",
    )
    assert response.status_code == 302
    assert response.url == reverse("enquiries:index")
    for enquiry in derby_enquiries:
        enquiry.refresh_from_db()
    assert (first.stage, first.visit_done_on, first.contacted_on) == (
        Stage.VISIT_DONE,
        timezone.localdate() - timedelta(days=1),
        timezone.localdate() - timedelta(days=1),
    )
    assert (second.stage, second.closed_reason, second.closed_on) == (
        Stage.CLOSED,
        "withdrawn",
        timezone.localdate(),
    )
    assert third.stage == Stage.APPLICATION
    entry = first.history.get(action=EnquiryHistory.Action.STAGE)
    assert entry.by == people["derby"]
    assert "Imported from a council’s system." in entry.note
    assert "Visit went well" in entry.note

    index = parse(client.get(response.url))
    assert index.has_text("3 enquiries changed.")


def test_importing_the_same_file_again_changes_nothing(people, derby_enquiries, client):
    text = f"{HEADER}\n{derby_enquiries[0].reference},contacted,{today()},,\n"
    client.force_login(people["hub"])
    upload(client, text)
    response = upload(client, text)
    assert response.status_code == 302
    index = parse(client.get(response.url))
    assert index.has_text("0 enquiries changed. 1 were already at that stage.")
    assert derby_enquiries[0].history.filter(action="stage").count() == 1


def test_a_file_with_a_byte_order_mark_and_uk_dates(people, derby_enquiries, client):
    enquiry = derby_enquiries[0]
    text = f"{HEADER}\r\n{enquiry.reference},contacted,{today(0, 'uk')},,\r\n"
    client.force_login(people["hub"])
    response = upload(client, "\ufeff".encode() + text.encode())
    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert (enquiry.stage, enquiry.contacted_on) == (Stage.CONTACTED, timezone.localdate())


def test_one_bad_row_among_good_ones_applies_nothing(people, derby_enquiries, client):
    first, second, third = derby_enquiries
    before = stages()
    client.force_login(people["hub"])
    response = upload(
        client,
        f"{HEADER}\n"
        f"{first.reference},contacted,{today()},,\n"
        f"{second.reference},closed,{today()},,\n"
        f"{third.reference},approved,{today()},,\n",
    )
    assert problems(response) == [(3, "Give the closed reason for a closed enquiry")]
    page = parse(response)
    assert page.has_text("Nothing was imported: there is 1 problem.")
    assert page.has_text("3 " + second.reference + " Give the closed reason for a closed enquiry")
    assert stages() == before
    assert not EnquiryHistory.objects.filter(action=EnquiryHistory.Action.STAGE).exists()


def test_every_row_is_checked_and_reported(people, derby_enquiries, enquiries, client):
    first, second, third = derby_enquiries
    before = stages()
    client.force_login(people["hub"])
    response = upload(
        client,
        f"{HEADER}\n"
        f"HUB-1999-000001,contacted,{today()},,\n"  # 2 unknown reference
        f"{first.reference},somewhere,{today()},,\n"  # 3 bad stage
        f"{second.reference},contacted,31/02/2026,,\n"  # 4 impossible date
        f"{third.reference},contacted,{(timezone.localdate() + timedelta(days=1))},,\n"  # 5
        f"{first.reference},contacted,{today()},,\n"  # 6 duplicate of row 3
        f"{enquiries['derby'].reference},contacted,{today()},withdrawn,\n"  # 7 reason, not closed
        f"{enquiries['nottingham'].reference},closed,{today()},bored,\n"  # 8 bad reason
        f",contacted,{today()},,\n"  # 9 no reference
        f"{enquiries['unsure'].reference},contacted,{today(30)},,\n"  # 10 before it came in
        f"{enquiries['unsure'].reference}x,contacted,,,\n"  # 11 no date
        f"{enquiries['unsure'].reference},contacted,{today()}\n",  # 12 too few columns
    )
    assert problems(response) == [
        (2, "There is no enquiry with this reference"),
        (
            3,
            "The stage must be one of: new, contacted, visit_booked, visit_done, application, "
            "approved, keep_in_touch, closed",
        ),
        (4, "The date must be a real date, like 2026-11-23 or 23/11/2026"),
        (5, "The date must be today or in the past"),
        (6, "The reference is also on row 3: give one outcome per enquiry"),
        (7, "Leave the closed reason empty unless the stage is closed"),
        (8, "The closed reason must be one of: withdrawn, not_eligible, not_proceeding"),
        (9, "Enter the enquiry reference"),
        (
            10,
            "The date must be on or after "
            + timezone.localdate(enquiries["unsure"].created_at).strftime("%-d %B %Y")
            + ", when the enquiry came in",
        ),
        (11, "There is no enquiry with this reference"),
        (11, "Enter the date, like 2026-11-23 or 23/11/2026"),
        (12, "The row must have 5 columns, like the column names"),
    ]
    assert stages() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "The selected file is empty"),
        ("\ufeff\n\n", "The file is empty"),
        (f"{HEADER}\n", "The file has no outcomes below the column names"),
        ("ref,stage,date\nHUB-2026-000001,new,2026-01-01\n", "The first row must be the column"),
        ("reference;stage;date;closed_reason;note\n", "The first row must be the column"),
        (b"reference,stage\n\xff\xfe", "The file must be a CSV saved as UTF-8 text"),
    ],
)
def test_a_file_that_cannot_be_used(content, message, people, derby_enquiries, client):
    client.force_login(people["hub"])
    response = upload(client, content)
    assert response.status_code == 200
    assert parse(response).has_text(message)
    assert not EnquiryHistory.objects.filter(action=EnquiryHistory.Action.STAGE).exists()


def test_a_file_too_large_or_too_long(people, derby_enquiries, client):
    client.force_login(people["hub"])
    reference = derby_enquiries[0].reference
    big = f"{HEADER}\n{reference},contacted,{today()},,{'x' * (imports.MAX_BYTES)}\n"
    assert problems(upload(client, big)) == [(None, "The file must be 2 MB or smaller")]

    rows = "".join(f"HUB-2026-{n:06d},contacted,{today()},,\n" for n in range(5001))
    assert problems(upload(client, f"{HEADER}\n{rows}")) == [
        (None, "The file must have 5000 rows or fewer")
    ]
    assert derby_enquiries[0].history.filter(action="stage").count() == 0


def test_check_outcomes_reads_labels_values_and_both_date_styles(people, derby_enquiries):
    first, second, third = derby_enquiries
    checked = imports.check_outcomes(
        (
            f"{HEADER}\n{first.reference},Not ready yet, keep in touch,{today()},,\n".replace(
                "Not ready yet, keep in touch", '"Not ready yet, keep in touch"'
            )
            + f"{second.reference},CLOSED,{today(0, 'uk')},not proceeding,\n"
            + f"{third.reference},keep_in_touch,{today()},,\n"
        ).encode(),
        people["hub"],
    )
    assert checked.errors == []
    assert [(o.stage, o.closed_reason) for o in checked.outcomes] == [
        (Stage.KEEP_IN_TOUCH, ""),
        (Stage.CLOSED, "not_proceeding"),
        (Stage.KEEP_IN_TOUCH, ""),
    ]


@pytest.mark.parametrize("role", ["marketing", "hub_comms", "derby_comms"])
def test_only_enquiry_handlers_import(role, people, derby_enquiries, client):
    client.force_login(people[role])
    assert_refused(client.get(reverse("enquiries:import")))
    text = f"{HEADER}\n{derby_enquiries[0].reference},contacted,{today()},,\n"
    assert_refused(upload(client, text))
    derby_enquiries[0].refresh_from_db()
    assert derby_enquiries[0].stage == Stage.NEW


def test_the_import_link_is_offered_to_those_who_may_import(people, client):
    for role, offered in (("hub", True), ("derby", True)):
        client.force_login(people[role])
        page = parse(client.get(reverse("enquiries:index")))
        assert bool(page.links_to(reverse("enquiries:import"))) is offered
