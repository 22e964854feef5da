"""What the enquiry emails say: plain text, the reference and an admin link, no personal data."""

import pytest
from wagtail.models import Site

from councils.models import HubSettings
from councils.tests.factories import CouncilFactory
from enquiry.tests.factories import EnquiryFactory
from outbox.models import OutboxMessage

pytestmark = pytest.mark.django_db


def test_email_subjects_are_plain_text_not_html(home, enquiry_page):
    hub = HubSettings.for_site(Site.objects.get(is_default_site=True))
    hub.hub_name = "Fostering & Adoption Hub"
    hub.enquiry_notification_email = "team@hub.example"
    hub.save()
    council = CouncilFactory(name="Brighton & Hove City Council")

    enquiry = EnquiryFactory(council=council)

    subjects = dict(
        OutboxMessage.objects.filter(reference=enquiry.reference).values_list("topic", "subject")
    )
    assert subjects["enquiry.acknowledgement"] == (
        f"Your enquiry to Fostering & Adoption Hub: {enquiry.reference}"
    )
    assert subjects["enquiry.hub_notification"] == (
        f"New fostering enquiry {enquiry.reference} (Brighton & Hove City Council)"
    )
    assert subjects["enquiry.council_notification"] == subjects["enquiry.hub_notification"]
    assert not any("&amp;" in subject for subject in subjects.values())


def test_staff_notifications_link_to_the_admin_and_hold_no_personal_data(home, enquiry_page):
    hub = HubSettings.for_site(Site.objects.get(is_default_site=True))
    hub.enquiry_notification_email = "team@hub.example"
    hub.save()
    enquiry = EnquiryFactory(
        first_name="Rosalind",
        last_name="Okonjo",
        email="rosalind@example.org",
        phone="07700 900456",
        postcode="DE22 1AB",
        question="Can I foster if I work nights?",
    )
    acknowledgement = OutboxMessage.objects.get(topic="enquiry.acknowledgement")
    notification = OutboxMessage.objects.get(topic="enquiry.hub_notification")

    assert acknowledgement.recipient == "rosalind@example.org"
    assert notification.recipient == "team@hub.example"
    assert f"http://testserver/admin/enquiries/inspect/{enquiry.pk}/" in notification.body
    for message in (acknowledgement, notification):
        text = message.subject + message.body
        assert enquiry.reference in text
        for personal in ("Rosalind", "Okonjo", "07700 900456", "DE22", "work nights"):
            assert personal not in text
    assert "rosalind@example.org" not in notification.subject + notification.body
