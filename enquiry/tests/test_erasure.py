"""Erasure on request: every enquiry under the address is anonymised, keep-in-touch permission
ends, the person's messages go, an ErasureRecord says it happened (without saying who), and
nobody else's data changes."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from enquiry.data_protection import erase_person, subject_access_export
from enquiry.models import Enquiry, EnquiryHistory, ErasureRecord, KeepInTouchConsent, Stage
from enquiry.tests.factories import EnquiryFactory
from outbox.models import OutboxMessage
from outbox.tasks import deliver
from testkit.admin import grant
from testkit.clients import StaffClient
from testkit.enquiries import WORDING
from testkit.outbox import set_hub_inbox

pytestmark = pytest.mark.django_db

URL = "/admin/personal-data/erase/"


@pytest.fixture
def jo_and_alex(home):
    set_hub_inbox()
    jo = [
        EnquiryFactory(
            first_name="Jo",
            last_name="Bloggs",
            email="Jo.Bloggs@Example.org",
            phone="07700 900111",
            postcode="DE1 2AB",
            question="Do you take single carers?",
            consents={"email": WORDING, "phone": WORDING},
        ),
        EnquiryFactory(first_name="Jo", last_name="Bloggs", email="jo.bloggs@example.org"),
    ]
    jo[0].move_to(Stage.CONTACTED, note="Jo asked us to call after 6pm")
    # The first acknowledgement went; everything else is still waiting.
    OutboxMessage.objects.filter(reference=jo[0].reference, topic="enquiry.acknowledgement").update(
        status="sent"
    )
    alex = EnquiryFactory(first_name="Alex", email="alex@example.org", consents={"email": WORDING})
    return jo, alex


def alex_snapshot(alex) -> list:
    return [
        list(Enquiry.objects.filter(pk=alex.pk).values()),
        list(KeepInTouchConsent.objects.filter(enquiry=alex).values()),
        list(EnquiryHistory.objects.filter(enquiry=alex).values()),
        list(OutboxMessage.objects.filter(reference=alex.reference).values()),
    ]


def test_erasing_a_person_anonymises_ends_consents_removes_messages_and_records_it(
    jo_and_alex, make_user
):
    jo, alex = jo_and_alex
    alex_before = alex_snapshot(alex)
    officer = make_user("dp.lead", first_name="Dee", last_name="Pee")
    pending = list(
        OutboxMessage.objects.filter(reference__in=[e.reference for e in jo], status="pending")
    )
    assert len(pending) == 3

    record = erase_person("  JO.BLOGGS@example.ORG", by=officer, reason="Email of 3 March 2027")

    for enquiry in jo:
        enquiry.refresh_from_db()
        assert enquiry.is_anonymised
        assert (enquiry.first_name, enquiry.last_name, enquiry.email) == ("", "", "")
        assert (enquiry.phone, enquiry.postcode, enquiry.question) == ("", "", "")
        assert enquiry.postcode_district == "DE1"  # still counted by district in reports
        last = enquiry.history.last()
        assert last.action == EnquiryHistory.Action.ANONYMISED
        assert last.by == officer and last.by_name == "Dee Pee"
        assert "request" in last.note
        assert not enquiry.history.exclude(pk=last.pk).exclude(note="").exists()
    assert jo[0].stage == Stage.CONTACTED and jo[0].contacted_on is not None
    consents = KeepInTouchConsent.objects.filter(enquiry=jo[0])
    assert consents.count() == 2
    assert {(c.ended_at is not None, c.end_reason) for c in consents} == {(True, "erased")}

    references = [e.reference for e in jo]
    assert not OutboxMessage.objects.filter(reference__in=references, status="sent").exists()
    for message in OutboxMessage.objects.filter(reference__in=references):
        assert message.status == "cancelled"
        assert (message.recipient, message.body, message.payload) == ("", "", {})
        # The worker, when the queued task runs, sends nothing.
        assert deliver(message.pk) == "nothing to send"
    assert mail.outbox == []

    assert record.references == ", ".join(references)
    assert record.by == officer and record.by_name == "Dee Pee"
    assert record.reason == "Email of 3 March 2027"
    assert ErasureRecord.objects.get() == record
    held = " ".join(str(value) for value in ErasureRecord.objects.values().get().values())
    for detail in ("bloggs", "Jo ", "07700", "DE1 2AB", "single carers"):
        assert detail.lower() not in held.lower()

    # Nothing is held under the address any more, and Alex is untouched.
    export = subject_access_export("jo.bloggs@example.org")
    assert all(records == [] for records in export["sections"].values())
    assert alex_snapshot(alex) == alex_before


def test_erasing_again_or_an_unknown_address_changes_nothing_but_is_recorded(jo_and_alex):
    erase_person("jo.bloggs@example.org", by=None, reason="Phone call of 4 March")
    before = list(Enquiry.objects.order_by("pk").values())
    second = erase_person("jo.bloggs@example.org", by=None, reason="Repeated request")
    assert second.references == "No enquiries held"
    assert list(Enquiry.objects.order_by("pk").values()) == before
    assert ErasureRecord.objects.count() == 2


def test_the_admin_shows_what_will_be_erased_then_erases_on_confirmation(jo_and_alex, make_user):
    jo, alex = jo_and_alex
    client = StaffClient()
    client.force_login(
        grant(make_user("dp.lead", first_name="Dee"), "enquiry.manage_personal_data")
    )
    assert client.get(URL).status_code == 200

    # The request must not hold the address (the log keeps it).
    refused = client.post(
        URL, {"email": "jo.bloggs@example.org", "reason": "From Jo.Bloggs@example.org"}
    )
    assert "Remove the email address from the request." in refused.content.decode()

    review = client.post(URL, {"email": "JO.BLOGGS@example.org", "reason": "Email of 3 March"})
    assert review.status_code == 200
    assert "no-store" in review["Cache-Control"]
    html = review.content.decode()
    for enquiry in jo:
        assert enquiry.reference in html
    assert alex.reference not in html
    assert "2 keep-in-touch permissions will end." in html
    assert "4 outgoing messages will be cancelled or deleted." in html
    assert not Enquiry.objects.filter(anonymised_at__isnull=False).exists()  # nothing yet
    for url in re.findall(r'\s(?:href|action)="([^"]*)"', html):
        assert "@" not in url

    confirm = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))
    assert confirm["email"].lower() == "jo.bloggs@example.org"
    assert confirm["confirm"] == "True"
    done = client.post(URL, confirm)
    assert done.status_code == 302
    assert done["Location"] == "/admin/personal-data/erasures/"
    assert Enquiry.objects.filter(anonymised_at__isnull=False).count() == 2
    assert not Enquiry.objects.get(pk=alex.pk).is_anonymised

    log = client.get(done["Location"])
    text = log.content.decode()
    assert jo[0].reference in text and "Email of 3 March" in text
    assert "bloggs" not in text.lower()
