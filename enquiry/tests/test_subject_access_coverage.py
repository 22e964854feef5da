"""Subject access leaves nothing out: every column of every table that holds a person's rows is
exported by a section (its `columns`) or named, with why, in a section's `not_exported` (not
about the person, or derived from what is exported). A column added later fails here until
someone decides which, and a table that starts holding people's rows (an email address, or a
link to a table that does) fails until a section reads it."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models

from attribution.tests.factories import CampaignFactory
from core.spam import Reason
from enquiry.data_protection import SECTIONS, subject_access_export
from enquiry.quarantine import hold_enquiry
from enquiry.services import EnquiryDetails
from enquiry.tests.factories import EnquiryFactory
from events.services import BookingDetails, book
from events.tests.factories import EventPageFactory
from testkit.enquiries import WORDING
from testkit.outbox import set_hub_inbox

pytestmark = pytest.mark.django_db

EMAIL = "sam.lee@example.org"
# Tables with an email address that is not a member of the public's.
NOT_ABOUT_A_PERSON = {
    "councils.Council": "handover_email is the council fostering team's shared inbox",
    "councils.HubSettings": "the hub's own public address and its enquiry team's inbox",
}
# Tables holding people's rows that neither an email field nor a link shows.
ALSO_ABOUT_A_PERSON = {
    "outbox.OutboxMessage": "recipient holds the addresses a message went to",
}
TOUCH = {"utm_source": "facebook", "utm_medium": "paid-social", "utm_campaign": "spring-2026"}


def our_models() -> list[type[models.Model]]:
    """The models of the project's own apps (not Django's, Wagtail's or a library's)."""
    base = Path(settings.BASE_DIR).resolve()
    return [
        model
        for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(base)
        and "site-packages" not in Path(config.path).parts  # a virtualenv inside the checkout
        for model in config.get_models()
    ]


def columns(model: type[models.Model]) -> set[str]:
    return {field.name for field in [*model._meta.local_fields, *model._meta.local_many_to_many]}


def personal_tables() -> set[str]:
    """Our tables with a member of the public's email address, every table linking to one of
    them (a consent, a history entry, a booking's consent link), and the outbox."""
    ours = our_models()
    personal = {
        model._meta.label
        for model in ours
        if any(isinstance(field, models.EmailField) for field in model._meta.local_fields)
    } - set(NOT_ABOUT_A_PERSON)
    personal |= set(ALSO_ABOUT_A_PERSON)
    grew = True
    while grew:
        grew = False
        for model in ours:
            if model._meta.label in personal:
                continue
            links = [
                field
                for field in [*model._meta.local_fields, *model._meta.local_many_to_many]
                if field.is_relation and field.related_model is not None
            ]
            if any(field.related_model._meta.label in personal for field in links):
                personal.add(model._meta.label)
                grew = True
    return personal


def declared(kind: str, label: str) -> dict[str, str]:
    """What every section says of a table's columns: {column: record key} for "columns",
    {column: why} for "not_exported"."""
    found: dict[str, str] = {}
    for section in SECTIONS:
        found.update(getattr(section, kind).get(label, {}))
    return found


def test_the_tables_are_found():
    """The discovery itself: the tables known today to hold people's rows are all found."""
    assert personal_tables() >= {
        "enquiry.Enquiry",
        "enquiry.EnquiryHistory",
        "enquiry.KeepInTouchConsent",
        "enquiry.HeldSubmission",
        "events.Registration",
        "events.BookingConsent",
        "outbox.OutboxMessage",
    }


@pytest.mark.parametrize("label", sorted(personal_tables()))
def test_every_column_is_exported_or_left_out_with_a_reason(label):
    model = apps.get_model(label)
    exported = declared("columns", label)
    left_out = declared("not_exported", label)
    assert exported or left_out, f"no subject access section reads {label}"
    undecided = columns(model) - set(exported) - set(left_out)
    assert not undecided, f"{label}: export these or say why not: {sorted(undecided)}"
    assert not set(exported) & set(left_out), f"{label}: both exported and left out"
    gone = (set(exported) | set(left_out)) - columns(model)
    assert not gone, f"{label}: no such columns any more: {sorted(gone)}"
    for column, why in left_out.items():
        assert why.startswith(("not personal: ", "derived: ")), f"{label}.{column}: {why!r}"


@pytest.fixture
def sam(home):
    """Sam has an enquiry (with a permission and history), a booking (with a permission) and
    a post held as suspected spam, all attributed, and messages about them."""
    set_hub_inbox()
    CampaignFactory(code="spring-2026")
    details = {"first_name": "Sam", "last_name": "Lee", "email": EMAIL, "postcode": "DE1 2AB"}
    EnquiryFactory(**details, consents={"email": WORDING})
    book(
        EventPageFactory(),
        BookingDetails(**details, consents={"email": WORDING}),
        touches=(TOUCH, TOUCH),
    )
    hold_enquiry(
        EnquiryDetails(
            **details,
            phone="07700 900123",
            spare_bedroom="yes",
            contact_method="phone",
            contact_time="any",
            question="A second question",
        ),
        reason=Reason.TOO_FAST,
        submission_token=uuid.uuid4(),
        language="en-gb",
        touches=(TOUCH, TOUCH),
    )


def test_every_exported_column_has_its_key_in_the_records(sam):
    export = subject_access_export(EMAIL)
    for section in SECTIONS:
        records = export["sections"][section.name]
        assert records, f"the fixture gives {section.name} nothing to export"
        keys = set().union(*records)
        for label, exported in section.columns.items():
            missing = set(exported.values()) - keys
            assert not missing, f"{section.name} ({label}) has no {sorted(missing)}"
