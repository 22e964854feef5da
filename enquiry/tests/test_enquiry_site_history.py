"""Enquiries and held posts in Reports → Site history follow their row rules.

An enquiry's entries (its reference, what was done, by whom) are shown to the people who may
see the enquiry (`Enquiry.objects.for_user`): a council's fostering staff their council's
only. Held posts are deleted once released or deleted, and their entries stay: for hub
enquiry officers, who see every held post, and nobody else.
"""

from __future__ import annotations

import uuid

import pytest
from wagtail.log_actions import log

from enquiry import quarantine
from enquiry.models import HeldSubmission, RejectedSubmission
from testkit.admin import site_history

pytestmark = pytest.mark.django_db


def references(client) -> set[str]:
    return {entry["name"] for entry in site_history(client) if entry["type"] == "Enquiry"}


def test_council_staff_see_only_their_councils_enquiry_entries(enquiries, people, client_as):
    for enquiry in enquiries.values():
        log(enquiry, "wagtail.edit", user=people["hub"])
    assert references(client_as("derby")) == {enquiries["derby"].reference}
    assert references(client_as("nottingham")) == {enquiries["nottingham"].reference}
    assert references(client_as("hub")) == {e.reference for e in enquiries.values()}
    assert references(client_as("marketing")) == set()


def test_the_entries_of_deleted_held_posts_stay_for_hub_enquiry_officers(people, client_as):
    held = HeldSubmission.objects.create(
        kind=HeldSubmission.Kind.ENQUIRY,
        reason=RejectedSubmission.Reason.TOO_FAST,
        submission_token=uuid.uuid4(),
        fingerprint="f" * 64,
        email="sam@example.org",
        name="Sam Spam",
        answers={},
    )
    quarantine.delete(held, by=people["hub"])

    def deleted(role: str) -> list[dict]:
        return [e for e in site_history(client_as(role)) if e["action"] == "Suspected spam deleted"]

    (entry,) = deleted("hub")
    assert entry["link"] == ""  # the post is gone: nothing to link to
    assert "Sam" not in entry["name"]
    assert deleted("derby") == []
