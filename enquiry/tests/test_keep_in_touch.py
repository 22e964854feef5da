"""Staff record when a person renews or withdraws their keep-in-touch permission, so the expiry
clock restarts or the permission ends, and the history says so."""

import pytest
from django.urls import reverse

from enquiry.models import EnquiryHistory
from enquiry.tests.factories import EnquiryFactory
from testkit.admin import assert_refused
from testkit.html import parse

pytestmark = pytest.mark.django_db

WORDS = {"email": "Email me news about fostering.", "text": "Text me about events near me."}


@pytest.fixture
def enquiry(councils):
    return EnquiryFactory(council=councils["derby"], consents=WORDS)


def url(enquiry) -> str:
    return reverse("enquiries:keep_in_touch", args=[enquiry.pk])


def test_renewal_and_withdrawal_are_recorded_with_the_history(enquiry, people, client):
    email = enquiry.consents.get(channel="email")
    text = enquiry.consents.get(channel="text")
    client.force_login(people["derby"])
    inspect = parse(client.get(reverse("enquiries:inspect", args=[enquiry.pk])))
    assert inspect.links_to(url(enquiry))

    response = client.post(url(enquiry), {"renew": [str(email.pk)], "withdraw": [str(text.pk)]})
    assert response.status_code == 302

    email.refresh_from_db()
    text.refresh_from_db()
    assert email.renewed_at is not None and email.is_current
    assert text.ended_at is not None and text.end_reason == "withdrawn"
    note = enquiry.history.filter(action=EnquiryHistory.Action.NOTE).get()
    assert note.by == people["derby"]
    assert note.note == "Keep-in-touch permission renewed: Email; withdrawn: Text message."


def test_the_same_permission_cannot_be_renewed_and_withdrawn(enquiry, people, client):
    email = enquiry.consents.get(channel="email")
    client.force_login(people["hub"])
    response = client.post(url(enquiry), {"renew": [str(email.pk)], "withdraw": [str(email.pk)]})
    assert response.status_code == 200
    assert "cannot be renewed and withdrawn at once" in response.content.decode()
    email.refresh_from_db()
    assert email.renewed_at is None and email.ended_at is None


def test_other_councils_and_other_roles_cannot_change_it(enquiry, people, client):
    client.force_login(people["nottingham"])
    assert client.get(url(enquiry)).status_code == 404
    client.force_login(people["marketing"])
    assert_refused(client.get(url(enquiry)))
