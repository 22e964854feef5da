"""Subject access: everything held about an email address (matched case-insensitively), as JSON
and CSV, and nothing about anyone else; only people who manage personal data may ask; the
address travels in POST bodies only, and no response may be cached."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from django.test import Client, RequestFactory

from accounts.roles import MARKETING_LEADS, sync_roles
from councils.models import CouncilTeam
from councils.tests.factories import CouncilFactory
from enquiry.data_protection import subject_access_csv, subject_access_export
from enquiry.models import ClosedReason, Enquiry, Stage
from enquiry.tests.factories import EnquiryFactory
from outbox.models import OutboxMessage
from testkit.admin import grant
from testkit.clients import StaffClient
from testkit.enquiries import WORDING
from testkit.outbox import set_hub_inbox

pytestmark = [
    pytest.mark.django_db,
]

URL = "/admin/personal-data/"


@pytest.fixture
def officer(make_user) -> Client:
    client = StaffClient()
    client.force_login(grant(make_user("dp.lead"), "enquiry.manage_personal_data"))
    return client


@pytest.fixture
def people(home):
    """Jo (two enquiries, addresses in different case) and Alex, someone else entirely."""
    set_hub_inbox()
    council = CouncilFactory(name="Derby City Council")
    first = EnquiryFactory(
        council=council,
        first_name="Jo",
        last_name="Bloggs",
        email="Jo.Bloggs@Example.org",
        phone="07700 900111",
        postcode="DE1 2AB",
        question='=HYPERLINK("http://evil.example")',
        consents={"email": WORDING},
    )
    first.move_to(Stage.CONTACTED, note="Left a voicemail")
    second = EnquiryFactory(first_name="Jo", last_name="Bloggs", email="jo.bloggs@example.org")
    second.move_to(Stage.CLOSED, closed_reason=ClosedReason.WITHDRAWN)
    other = EnquiryFactory(
        first_name="Alex",
        last_name="Other",
        email="alex.other@example.org",
        phone="07700 900999",
        postcode="NG1 1AA",
        question="Private question of Alex",
    )
    return {"council": council, "jo": [first, second], "other": other}


def test_the_export_holds_everything_about_the_address_and_nothing_else(people):
    first, second = people["jo"]
    other = people["other"]

    export = subject_access_export("  JO.BLOGGS@example.ORG ")

    sections = export["sections"]
    assert set(sections) >= {
        "enquiries",
        "keep_in_touch_consents",
        "enquiry_history",
        "outgoing_messages",
    }
    enquiries = {record["reference"]: record for record in sections["enquiries"]}
    assert set(enquiries) == {first.reference, second.reference}
    record = enquiries[first.reference]
    assert record["first_name"] == "Jo" and record["last_name"] == "Bloggs"
    assert record["email"] == "Jo.Bloggs@Example.org"
    assert record["phone"] == "07700 900111"
    assert record["postcode"] == "DE1 2AB"
    assert record["question"].startswith("=HYPERLINK")
    assert record["council"] == "Derby City Council"
    assert record["stage"] == "Contacted (initial response)"
    assert enquiries[second.reference]["closed_reason"] == "Withdrawn"
    for name in ("received_at", "spare_bedroom", "contact_method", "contact_time", "heard_about"):
        assert name in record

    (consent,) = sections["keep_in_touch_consents"]
    assert consent["reference"] == first.reference
    assert consent["wording"] == WORDING and consent["channel"] == "Email"
    assert consent["given_at"] and consent["ended_at"] is None

    history = sections["enquiry_history"]
    assert {entry["reference"] for entry in history} == {first.reference, second.reference}
    assert "Left a voicemail" in [entry["note"] for entry in history]

    sent = sections["outgoing_messages"]
    to_jo = [m for m in sent if m["topic"] == "enquiry.acknowledgement"]
    assert {m["reference"] for m in to_jo} == {first.reference, second.reference}
    assert all(m["sent_to"].lower() == "jo.bloggs@example.org" for m in to_jo)
    assert all(first.reference in m["subject"] or second.reference in m["subject"] for m in to_jo)
    assert {m["sent_to"] for m in sent if m["topic"] != "enquiry.acknowledgement"} == {
        "The hub's enquiry team (a notice without your details)",
        "The council's fostering team (a notice without your details)",
    }
    assert all("body" not in m and "recipient" not in m for m in sent)

    text = json.dumps(export)
    for detail in (other.reference, "Alex", "alex.other", "07700 900999", "NG1 1AA", "Private"):
        assert detail not in text


def test_an_address_with_nothing_held_gives_empty_sections(people):
    export = subject_access_export("nobody@example.org")
    assert all(records == [] for records in export["sections"].values())
    assert subject_access_csv(export).splitlines() == ["record type"]


def test_messages_to_the_address_are_found_even_without_an_enquiry(people):
    """e.g. a later feature's email to the person: the recipient line is what matches."""
    OutboxMessage.objects.create(
        kind="email",
        topic="events.reminder",
        recipient="someone@example.org\nJO.BLOGGS@EXAMPLE.ORG",
        subject="Your information evening",
        body="See you there",
    )
    OutboxMessage.objects.create(
        kind="email", topic="events.reminder", recipient="xjo.bloggs@example.org", subject="Not Jo"
    )
    topics = [
        m["subject"]
        for m in subject_access_export("jo.bloggs@example.org")["sections"]["outgoing_messages"]
    ]
    assert "Your information evening" in topics
    assert "Not Jo" not in topics


def test_the_admin_downloads_json_and_csv_by_post_without_the_address_in_any_url(people, officer):
    first, second = people["jo"]
    other = people["other"]
    address = "jo.bloggs@EXAMPLE.org"

    form = officer.get(URL)
    assert form.status_code == 200
    assert 'method="post"' in form.content.decode()
    assert "no-store" in form["Cache-Control"]

    # An address in the query string is ignored: nothing is looked up or shown.
    leaked = officer.get(URL, {"email": address})
    assert leaked.status_code == 200
    assert first.reference not in leaked.content.decode()

    found = officer.post(URL, {"email": address})
    assert found.status_code == 200
    assert "no-store" in found["Cache-Control"]
    html = found.content.decode()
    assert first.reference in html and second.reference in html
    assert other.reference not in html
    for url in re.findall(r'\s(?:href|action|src)="([^"]*)"', html):
        assert "@" not in url and "bloggs" not in url.lower(), url

    as_json = officer.post(URL, {"email": address, "format": "json"})
    assert as_json.status_code == 200
    assert as_json["Content-Type"].startswith("application/json")
    assert re.fullmatch(
        r'attachment; filename="subject-access-[0-9-]+\.json"', as_json["Content-Disposition"]
    )
    assert "no-store" in as_json["Cache-Control"]
    data = json.loads(as_json.content)
    assert {r["reference"] for r in data["sections"]["enquiries"]} == {
        first.reference,
        second.reference,
    }
    assert other.reference not in as_json.content.decode()

    as_csv = officer.post(URL, {"email": address, "format": "csv"})
    assert as_csv["Content-Type"].startswith("text/csv")
    assert as_csv["Content-Disposition"].endswith('.csv"')
    assert "no-store" in as_csv["Cache-Control"]
    rows = list(csv.DictReader(io.StringIO(as_csv.content.decode())))
    assert {row["record type"] for row in rows} == {
        "enquiry",
        "keep-in-touch permission",
        "enquiry history",
        "outgoing message",
    }
    assert {row["reference"] for row in rows} == {first.reference, second.reference}
    enquiry_rows = [row for row in rows if row["record type"] == "enquiry"]
    assert len(enquiry_rows) == 2
    assert {row["email"].lower() for row in enquiry_rows} == {"jo.bloggs@example.org"}
    # A spreadsheet would run a cell starting with "=": the export defuses it.
    assert {row["question"] for row in enquiry_rows} == {'\'=HYPERLINK("http://evil.example")', ""}
    consent_row = next(row for row in rows if row["record type"] == "keep-in-touch permission")
    assert consent_row["wording"] == WORDING
    assert other.reference not in as_csv.content.decode()
    assert "Alex" not in as_csv.content.decode()

    for response in (found, as_json, as_csv):
        assert "Location" not in response


def test_an_invalid_address_is_refused_with_an_error(officer, people):
    response = officer.post(URL, {"email": "not an address"})
    assert response.status_code == 200
    assert "Enter a valid email address" in response.content.decode()
    assert people["jo"][0].reference not in response.content.decode()


def test_only_people_who_manage_personal_data_may_use_the_pages(people, make_user):
    sync_roles()
    council_team = CouncilTeam.objects.get(
        council=people["council"], role=CouncilTeam.Role.FOSTERING
    ).group
    council_staff = StaffClient()
    council_staff.force_login(make_user("derby.fostering", council_team))
    marketing = StaffClient()
    marketing.force_login(make_user("marketing.lead", MARKETING_LEADS))
    address = "jo.bloggs@example.org"

    for client in (council_staff, marketing):
        for url in (URL, URL + "erase/", URL + "erasures/"):
            response = client.get(url)
            assert response.status_code == 403, url
            assert "no-store" in response["Cache-Control"]
        for data in ({"email": address}, {"email": address, "format": "json"}):
            response = client.post(URL, data)
            assert response.status_code == 403
            assert people["jo"][0].reference not in response.content.decode()
        assert (
            client.post(
                URL + "erase/", {"email": address, "reason": "x", "confirm": "True"}
            ).status_code
            == 403
        )
    assert not Enquiry.objects.filter(anonymised_at__isnull=False).exists()

    anonymous = StaffClient()
    response = anonymous.post(URL, {"email": address, "format": "json"})
    assert response.status_code == 302
    assert address not in response["Location"]


def test_the_menu_shows_personal_data_only_to_those_allowed(officer, make_user, home):
    from enquiry.data_protection_views import menu_item

    item = menu_item()
    request = RequestFactory().get("/admin/")
    request.user = grant(make_user("someone"))
    assert not item.is_shown(request)
    request.user = grant(make_user("another"), "enquiry.manage_personal_data")
    assert item.is_shown(request)
