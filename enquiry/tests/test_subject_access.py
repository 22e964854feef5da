"""Subject access: everything held about an email address (matched case-insensitively), as JSON
and CSV, and nothing about anyone else; only people who manage personal data may ask; the
address travels in POST bodies only, and no response may be cached."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta

import pytest
from django.test import Client, RequestFactory, override_settings
from django.utils import timezone

from accounts.roles import MARKETING_LEADS, sync_roles
from attribution.tests.factories import CampaignFactory
from councils.models import CouncilTeam
from councils.tests.factories import CouncilFactory
from enquiry.data_protection import (
    apply_retention,
    erase_person,
    months_before,
    subject_access_csv,
    subject_access_export,
)
from enquiry.models import ClosedReason, Enquiry, Stage, SubjectAccessRecord
from enquiry.services import EnquiryDetails, record_enquiry
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
        for url in (URL, URL + "subject-access-log/", URL + "erase/", URL + "erasures/"):
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
    assert not SubjectAccessRecord.objects.exists()

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


# --- Attribution: where the person came from, in words -----------------------------------------

FIRST_TOUCH = {
    "referrer_domain": "www.google.co.uk",
    "landing_path": "/fostering/teenagers/",
    "at": "2026-02-01T09:00:00+00:00",
}
LAST_TOUCH = {
    "utm_source": "facebook",
    "utm_medium": "paid-social",
    "utm_campaign": "spring-2026",
    "landing_path": "/fostering/",
    "had_ad_click_id": True,
    "ad_click_platform": "meta",
    "at": "2026-03-02T18:30:00+00:00",
}
CAME_FROM = (
    "Came from: facebook (paid social), campaign 'Spring 2026', landing page /fostering/, "
    "tags utm_source=facebook, utm_medium=paid-social, utm_campaign=spring-2026"
)


@pytest.fixture
def attributed(home):
    """Priya found us through a search, then came back from a paid Facebook advert."""
    set_hub_inbox()
    CampaignFactory(name="Spring 2026", code="spring-2026", source="facebook")
    details = EnquiryDetails(
        first_name="Priya",
        last_name="Shah",
        email="priya.shah@example.org",
        phone="07700 900222",
        postcode="NG1 1AA",
        spare_bedroom="yes",
        contact_method="phone",
        contact_time="any",
    )
    enquiry, _created = record_enquiry(details, touches=(FIRST_TOUCH, LAST_TOUCH))
    return enquiry


def test_the_export_says_where_the_person_came_from_in_plain_words(attributed, officer):
    export = subject_access_export("priya.shah@example.org")

    (record,) = export["sections"]["enquiries"]
    assert record["came_from"] == CAME_FROM
    assert record["marketing_channel"] == "Paid social"
    assert record["campaign"] == "Spring 2026"
    assert record["campaign_owner"] == "The hub (regional)"
    assert record["first_touch_channel"] == "Organic search"
    assert record["first_touch_campaign"] == ""
    assert record["first_touch"] == (
        "Landing page /fostering/teenagers/; referred by www.google.co.uk; "
        "1 February 2026 at 09:00 (UK time)"
    )
    last = record["last_touch"]
    for words in (
        "Landing page /fostering/;",
        "tags utm_source=facebook, utm_medium=paid-social, utm_campaign=spring-2026",
        "clicked an advert (meta; its click id was not kept)",
        "2 March 2026 at 18:30 (UK time)",
    ):
        assert words in last, words
    assert record["channel_decided_by"].startswith("Classification rule ")

    rows = list(csv.DictReader(io.StringIO(subject_access_csv(export))))
    (row,) = [row for row in rows if row["record type"] == "enquiry"]
    assert row["came_from"] == CAME_FROM
    assert row["first_touch"] == record["first_touch"] and row["last_touch"] == last
    assert row["marketing_channel"] == "Paid social" and row["campaign"] == "Spring 2026"

    # The admin page shows it before anything is downloaded.
    found = officer.post(URL, {"email": "priya.shah@example.org"})
    assert CAME_FROM in found.content.decode().replace("&#x27;", "'")


# --- The subject access log --------------------------------------------------------------------


def _record_text(record: SubjectAccessRecord) -> str:
    values = SubjectAccessRecord.objects.filter(pk=record.pk).values().get()
    return json.dumps(values, default=str).lower()


def test_every_export_is_recorded_with_no_personal_data_in_the_record(people, officer):
    first, second = people["jo"]
    address = "Jo.Bloggs@example.org"

    officer.post(URL, {"email": address})
    officer.post(URL, {"email": address, "format": "json"})
    officer.post(URL, {"email": address, "format": "csv"})
    officer.post(URL, {"email": "nobody@example.org"})
    officer.post(URL, {"email": "not an address"})  # refused: nothing was exported

    records = list(SubjectAccessRecord.objects.order_by("pk"))
    assert [record.delivered_as for record in records] == ["screen", "json", "csv", "screen"]
    for record in records[:3]:
        assert record.by_name == "dp.lead"
        assert record.references == f"{first.reference}, {second.reference}"
        assert ["enquiry", 2] in record.counts and ["keep-in-touch permission", 1] in record.counts
        assert "enquiry: 2" in record.covered
    # The same person's requests can be told apart from another's, without the address.
    assert records[0].person_key == records[1].person_key == records[2].person_key
    assert records[3].person_key != records[0].person_key
    assert records[3].references == "" and records[3].covered == "Nothing held"
    for record in records:
        text = _record_text(record)
        for detail in ("jo.bloggs", "example.org", "bloggs", "nobody", "07700 900111", "de1 2ab"):
            assert detail not in text, detail

    log = officer.get(URL + "subject-access-log/")
    assert log.status_code == 200 and "no-store" in log["Cache-Control"]
    html = log.content.decode()
    assert first.reference in html and "JSON download" in html and "CSV download" in html
    assert "Nothing held" in html
    assert "bloggs" not in html.lower() and "nobody" not in html


def test_the_log_is_kept_for_its_period_and_no_longer_tied_to_a_person_once_erased(people, officer):
    officer.post(URL, {"email": "jo.bloggs@example.org"})
    officer.post(URL, {"email": "alex.other@example.org"})
    jo, alex = SubjectAccessRecord.objects.order_by("pk")

    erase_person("JO.BLOGGS@example.org", by=None, reason="Email of 3 March")
    jo.refresh_from_db()
    alex.refresh_from_db()
    assert jo.person_key == "" and jo.references  # the request stays answered on record
    assert alex.person_key != ""

    with override_settings(SUBJECT_ACCESS_RECORD_RETENTION_MONTHS=6):
        SubjectAccessRecord.objects.filter(pk=jo.pk).update(
            at=months_before(timezone.localtime(), 6) - timedelta(days=1)
        )
        assert apply_retention(dry_run=True).subject_access_records_deleted == 1
        report = apply_retention()
    assert report.subject_access_records_deleted == 1
    assert list(SubjectAccessRecord.objects.all()) == [alex]
