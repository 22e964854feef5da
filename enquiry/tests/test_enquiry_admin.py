"""Enquiry handling in the admin, as hub enquiry officers and council fostering staff use it.

Every test logs in as a real person in the real groups `sync_roles()` makes, and drives the
admin pages with the test client. Who may see which enquiry is tested in
test_enquiry_permissions.py; the outcome import and the export have their own files. The fixtures
(`councils`, `people`, `enquiries`) live in testkit/fixtures.py; the helpers in
testkit/admin.py.
"""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from enquiry.admin_forms import KEEP_IN_TOUCH_SCRIPT, EnquiryAnonymised, EnquiryDetailsEditForm
from enquiry.forms import EnquiryDetailsForm
from enquiry.models import (
    Enquiry,
    EnquiryHistory,
    HearAboutOption,
    KeepInTouchConsent,
    ReceivedVia,
    RejectedSubmission,
    Stage,
)
from enquiry.tests.factories import EnquiryFactory, HearAboutOptionFactory
from fostering_types.tests.factories import FosteringTypePageFactory
from outbox.models import OutboxMessage
from testkit.admin import (
    REFERENCE_RE,
    WEBHOOK_SECRET,
    assert_refused,
    index_url,
    listed,
    staff_enquiry,
)
from testkit.html import parse

pytestmark = pytest.mark.django_db


# --- The list ------------------------------------------------------------------------------------


def test_the_list_shows_enquiries_newest_first_with_their_columns(
    people, enquiries, client, councils
):
    heard = HearAboutOptionFactory(label="A poster on a bus")
    phoned = EnquiryFactory(
        council=councils["derby"],
        heard_about=heard,
        received_via=ReceivedVia.PHONE,
        entered_by=people["hub"],
    )
    client.force_login(people["hub"])
    response = client.get(index_url())
    assert listed(response) == [
        phoned.reference,
        enquiries["unsure"].reference,
        enquiries["nottingham"].reference,
        enquiries["derby"].reference,
    ]
    page = parse(response)
    for heading in (
        "Reference",
        "Received",
        "Name",
        "Council",
        "Stage",
        "How it came in",
        "How they heard",
    ):
        assert page.has_text(heading)
    assert page.has_text("Not sure yet")
    assert page.has_text("Nia Trent")
    assert page.has_text("Phone call")
    assert page.has_text("A poster on a bus")
    assert page.has_text(timezone.localdate(enquiries["derby"].created_at).strftime("%-d %b %Y"))
    inspect = reverse("enquiries:inspect", args=[enquiries["derby"].pk])
    assert page.links_to(inspect)


def test_the_list_costs_the_same_queries_for_few_or_many_enquiries(people, councils, client):
    client.force_login(people["hub"])
    EnquiryFactory(council=councils["derby"])
    client.get(index_url())  # warm caches (content types, permissions)
    with CaptureQueriesContext(connection) as few:
        listed(client.get(index_url()))
    for _n in range(8):
        EnquiryFactory(council=councils["nottingham"])
    with CaptureQueriesContext(connection) as many:
        assert len(listed(client.get(index_url()))) == 9
    assert len(many) == len(few)
    assert len(many) <= 20


def test_filters_by_stage_council_date_type_and_source(people, enquiries, councils, client):
    client.force_login(people["hub"])
    derby, nottingham, unsure = (enquiries[k] for k in ("derby", "nottingham", "unsure"))
    derby.move_to(Stage.CONTACTED, by=people["hub"])
    nottingham.move_to(Stage.CLOSED, closed_reason="withdrawn", by=people["hub"])

    assert listed(client.get(index_url(stage="contacted"))) == [derby.reference]
    assert set(listed(client.get(index_url(stage=["contacted", "closed"])))) == {
        derby.reference,
        nottingham.reference,
    }
    assert listed(client.get(index_url(council=councils["nottingham"].pk))) == [
        nottingham.reference
    ]
    assert listed(client.get(index_url(council="not-sure"))) == [unsure.reference]

    day = timezone.localdate(nottingham.created_at).isoformat()
    assert listed(client.get(index_url(created_at_from=day, created_at_to=day))) == [
        nottingham.reference
    ]
    assert listed(client.get(index_url(created_at_from=day))) == [
        unsure.reference,
        nottingham.reference,
    ]

    teenagers = FosteringTypePageFactory(title="Teenagers")
    derby.fostering_types.add(teenagers)
    assert listed(client.get(index_url(fostering_types=teenagers.pk))) == [derby.reference]

    bus = HearAboutOptionFactory(label="Bus advert")
    on_bus = EnquiryFactory(council=councils["derby"], heard_about=bus)
    assert listed(client.get(index_url(heard_about=bus.pk))) == [on_bus.reference]

    walked_in = EnquiryFactory(council=None, received_via=ReceivedVia.IN_PERSON)
    assert listed(client.get(index_url(received_via="in_person"))) == [walked_in.reference]


@pytest.mark.parametrize(
    "query",
    ["Derbyshire", "dana", "DANA@EXAMPLE.ORG", "Dana Derbyshire", "{reference}", "{number}"],
)
def test_search_by_reference_name_or_email(query, people, enquiries, client):
    derby = enquiries["derby"]
    query = query.format(reference=derby.reference.lower(), number=derby.reference[-6:])
    client.force_login(people["hub"])
    assert listed(client.get(index_url(q=query))) == [derby.reference]
    assert listed(client.get(reverse("enquiries:index_results") + f"?q={query}")) == [
        derby.reference
    ]


# --- The detail view -----------------------------------------------------------------------------


def test_the_detail_view_shows_everything_about_the_enquiry(people, councils, client):
    email_words = "Can we email you about fostering events? You can stop at any time."
    enquiry = EnquiryFactory(
        council=councils["derby"],
        first_name="Pat",
        last_name="Okafor",
        email="pat@example.org",
        phone="07700 900456",
        question="Can I foster if I rent?",
        consents={"email": email_words},
    )
    enquiry.move_to(Stage.CONTACTED, by=people["hub"], note="Left a voicemail")
    OutboxMessage.objects.filter(
        reference=enquiry.reference, topic="enquiry.acknowledgement"
    ).update(status=OutboxMessage.Status.FAILED, attempts=5, last_error="Mailbox unavailable")

    client.force_login(people["hub"])
    response = client.get(reverse("enquiries:inspect", args=[enquiry.pk]))
    assert response.status_code == 200
    page = parse(response)
    for text in (
        enquiry.reference,
        "Pat",
        "Okafor",
        "pat@example.org",
        "07700 900456",
        "Derby City Council",
        "Can I foster if I rent?",
        "Website form",
        # The permission with its exact words and the day it was given.
        email_words,
        timezone.localtime(enquiry.consents.get().given_at).strftime("%-d %B %Y"),
        # Milestones and the dated history: who, what, when.
        "First contacted",
        "Stage changed: New → Contacted (initial response)",
        "Hana Hub",
        "Left a voicemail",
        "Enquiry received",
        # The outgoing messages, including the one that failed.
        "A message about this enquiry could not be sent.",
        "enquiry.acknowledgement",
        "Failed (gave up)",
        "Mailbox unavailable",
        "enquiry.council_notification",
    ):
        assert page.has_text(text), text
    assert page.links_to(reverse("enquiries:stage", args=[enquiry.pk]))
    assert page.links_to(reverse("enquiries:edit", args=[enquiry.pk]))
    assert page.links_to(reverse("enquiries:handover", args=[enquiry.pk]))


def test_an_anonymised_enquiry_says_so_and_cannot_be_edited(people, councils, client):
    enquiry = EnquiryFactory(council=councils["derby"])
    Enquiry.objects.filter(pk=enquiry.pk).update(
        anonymised_at=timezone.now(), first_name="", last_name="", email="", phone=""
    )
    client.force_login(people["hub"])
    page = parse(client.get(reverse("enquiries:inspect", args=[enquiry.pk])))
    assert page.has_text("Personal data removed")
    assert not page.links_to(reverse("enquiries:edit", args=[enquiry.pk]))

    response = client.get(reverse("enquiries:edit", args=[enquiry.pk]))
    assert response.status_code == 302
    assert response.url == reverse("enquiries:inspect", args=[enquiry.pk])
    assert listed(client.get(index_url())) == [enquiry.reference]
    assert parse(client.get(index_url())).has_text("Personal data removed")


# --- The stage pipeline --------------------------------------------------------------------------


def stage_data(stage, on=None, **extra) -> dict:
    return {"stage": stage, "on": (on or timezone.localdate()).isoformat(), **extra}


def test_changing_the_stage_records_who_what_and_when(people, enquiries, client):
    enquiry = enquiries["derby"]
    client.force_login(people["derby"])
    url = reverse("enquiries:stage", args=[enquiry.pk])
    page = parse(client.get(url))
    assert page.has_text("Initial visit booked")
    assert page.has_text("Not ready yet, keep in touch")

    on = timezone.localdate() - timedelta(days=1)
    response = client.post(url, stage_data(Stage.VISIT_DONE, on, note="Lovely family"))
    assert response.status_code == 302
    assert response.url == reverse("enquiries:inspect", args=[enquiry.pk])

    enquiry.refresh_from_db()
    assert enquiry.stage == Stage.VISIT_DONE
    # Reaching a later stage fills the earlier milestones left empty.
    assert enquiry.contacted_on == enquiry.visit_booked_on == enquiry.visit_done_on == on
    assert enquiry.application_on is None
    entry = enquiry.history.get(action=EnquiryHistory.Action.STAGE)
    assert (entry.by, entry.by_name) == (people["derby"], "Dev Derby")
    assert (entry.from_value, entry.to_value) == (Stage.NEW, Stage.VISIT_DONE)
    assert entry.effective_on == on
    assert entry.note == "Lovely family"
    assert abs(entry.at - timezone.now()) < timedelta(minutes=1)

    page = parse(client.get(reverse("enquiries:inspect", args=[enquiry.pk])))
    assert page.has_text("Stage changed: New → Initial visit done")
    assert page.has_text("Dev Derby")


def test_closing_needs_a_reason(people, enquiries, client):
    enquiry = enquiries["derby"]
    client.force_login(people["hub"])
    url = reverse("enquiries:stage", args=[enquiry.pk])

    response = client.post(url, stage_data(Stage.CLOSED))
    assert response.status_code == 200
    assert parse(response).has_text("Select why the enquiry is closed")
    enquiry.refresh_from_db()
    assert enquiry.stage == Stage.NEW

    response = client.post(url, stage_data(Stage.CLOSED, closed_reason="not_eligible"))
    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert (enquiry.stage, enquiry.closed_reason) == (Stage.CLOSED, "not_eligible")
    assert enquiry.closed_on == timezone.localdate()
    assert enquiry.history.get(action="stage").note.startswith("Not eligible")


def test_a_reason_is_not_kept_when_the_stage_is_not_closed(people, enquiries, client):
    enquiry = enquiries["derby"]
    client.force_login(people["hub"])
    url = reverse("enquiries:stage", args=[enquiry.pk])
    client.post(url, stage_data(Stage.KEEP_IN_TOUCH, closed_reason="withdrawn"))
    enquiry.refresh_from_db()
    assert (enquiry.stage, enquiry.closed_reason) == (Stage.KEEP_IN_TOUCH, "")


@pytest.mark.parametrize(
    ("days", "error"),
    [
        (-1, "The date must be today or in the past"),
        (10, "The date must be on or after {received}, when the enquiry came in"),
    ],
)
def test_a_stage_date_cannot_be_in_the_future_or_before_the_enquiry(
    days, error, people, enquiries, client
):
    enquiry = enquiries["derby"]  # received three days ago
    error = error.format(received=timezone.localdate(enquiry.created_at).strftime("%-d %B %Y"))
    client.force_login(people["hub"])
    response = client.post(
        reverse("enquiries:stage", args=[enquiry.pk]),
        stage_data(Stage.CONTACTED, timezone.localdate() - timedelta(days=days)),
    )
    assert response.status_code == 200
    assert parse(response).has_text(error)
    enquiry.refresh_from_db()
    assert enquiry.stage == Stage.NEW
    assert not enquiry.history.filter(action="stage").exists()


def test_the_stage_form_defaults_to_today(people, enquiries, client):
    client.force_login(people["hub"])
    response = client.get(reverse("enquiries:stage", args=[enquiries["derby"].pk]))
    assert f'value="{timezone.localdate().isoformat()}"' in response.content.decode()


# --- Handover ------------------------------------------------------------------------------------


def test_the_hub_hands_an_enquiry_over_with_its_date(people, enquiries, councils, client):
    nottingham = councils["nottingham"]
    nottingham.webhook_url = "https://cases.nottingham.example/enquiries"
    nottingham.webhook_secret = WEBHOOK_SECRET
    nottingham.save()
    enquiry = enquiries["unsure"]
    on = timezone.localdate()
    client.force_login(people["hub"])
    response = client.post(
        reverse("enquiries:handover", args=[enquiry.pk]),
        {
            "council": nottingham.pk,
            "on": on.isoformat(),
            "send_to_council_system": "on",
            "note": "",
        },
    )
    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.council == nottingham
    assert enquiry.handed_over_on == on
    entry = enquiry.history.get(action=EnquiryHistory.Action.HANDOVER)
    assert (entry.by, entry.to_value, entry.effective_on) == (people["hub"], nottingham.name, on)

    webhook = OutboxMessage.objects.get(reference=enquiry.reference, topic="enquiry.handed_over")
    assert webhook.kind == OutboxMessage.Kind.WEBHOOK
    assert webhook.signing_council == nottingham
    assert webhook.payload["reference"] == enquiry.reference
    assert webhook.payload["council"] == "nottingham"

    # Nottingham's staff now see it; the detail page shows the handover.
    client.force_login(people["nottingham"])
    page = parse(client.get(reverse("enquiries:inspect", args=[enquiry.pk])))
    assert page.has_text("Handed over to council: Nottingham City Council")


def test_handover_without_a_council_system_sends_nothing(people, enquiries, councils, client):
    enquiry = enquiries["unsure"]
    client.force_login(people["hub"])
    client.post(
        reverse("enquiries:handover", args=[enquiry.pk]),
        {
            "council": councils["derby"].pk,
            "on": timezone.localdate().isoformat(),
            "send_to_council_system": "on",
        },
    )
    enquiry.refresh_from_db()
    assert enquiry.council == councils["derby"]
    assert not OutboxMessage.objects.filter(topic="enquiry.handed_over").exists()


def test_handover_emails_the_council_team_the_reference_only(people, enquiries, councils, client):
    enquiry = enquiries["unsure"]
    client.force_login(people["hub"])
    client.post(
        reverse("enquiries:handover", args=[enquiry.pk]),
        {"council": councils["derby"].pk, "on": timezone.localdate().isoformat()},
    )
    email = OutboxMessage.objects.get(reference=enquiry.reference, topic="enquiry.handover")
    assert email.recipient == councils["derby"].handover_email
    assert enquiry.reference in email.subject and enquiry.reference in email.body
    assert f"/admin/enquiries/inspect/{enquiry.pk}/" in email.body
    for personal in (enquiry.first_name, enquiry.last_name, enquiry.email, enquiry.phone):
        assert personal not in email.subject + email.body


def test_council_staff_cannot_hand_over(people, enquiries, councils, client):
    enquiry = enquiries["derby"]
    client.force_login(people["derby"])
    assert not parse(client.get(reverse("enquiries:inspect", args=[enquiry.pk]))).links_to(
        reverse("enquiries:handover", args=[enquiry.pk])
    )
    url = reverse("enquiries:handover", args=[enquiry.pk])
    assert_refused(client.get(url))
    assert_refused(
        client.post(
            url,
            {"council": councils["nottingham"].pk, "on": timezone.localdate().isoformat()},
        )
    )
    enquiry.refresh_from_db()
    assert enquiry.council == councils["derby"]
    assert enquiry.handed_over_on is None


# --- Editing details -----------------------------------------------------------------------------


def details_of(enquiry: Enquiry, **changes) -> dict:
    data = {
        "first_name": enquiry.first_name,
        "last_name": enquiry.last_name,
        "email": enquiry.email,
        "phone": enquiry.phone,
        "postcode": enquiry.postcode,
        "spare_bedroom": enquiry.spare_bedroom,
        "contact_method": enquiry.contact_method,
        "contact_time": enquiry.contact_time,
        "question": enquiry.question,
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_editing_details_notes_which_fields_changed_but_not_the_values(people, enquiries, client):
    enquiry = enquiries["derby"]
    client.force_login(people["derby"])
    url = reverse("enquiries:edit", args=[enquiry.pk])
    assert 'value="Dana"' in client.get(url).content.decode()

    response = client.post(url, details_of(enquiry, phone="07700 900999", postcode="de1 1aa"))
    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.phone == "07700 900999"
    assert enquiry.postcode == "DE1 1AA"
    assert enquiry.postcode_district == "DE1"
    assert enquiry.council.short_name == "derby"
    note = enquiry.history.get(action=EnquiryHistory.Action.NOTE)
    assert note.note == "Details changed: phone number, postcode."
    assert "900999" not in note.note
    assert note.by == people["derby"]


def test_editing_with_nothing_changed_writes_no_history(people, enquiries, client):
    enquiry = enquiries["derby"]
    client.force_login(people["hub"])
    client.post(reverse("enquiries:edit", args=[enquiry.pk]), details_of(enquiry))
    assert not enquiry.history.filter(action=EnquiryHistory.Action.NOTE).exists()


def test_editing_details_uses_the_public_forms_validation(people, enquiries, client):
    enquiry = enquiries["derby"]
    client.force_login(people["hub"])
    bad = details_of(enquiry, email="not-an-email", first_name="<script>", phone="call me")
    response = client.post(reverse("enquiries:edit", args=[enquiry.pk]), bad)
    assert response.status_code == 200
    page = parse(response)
    public = EnquiryDetailsForm(data=bad)
    public.is_valid()
    for field in ("email", "first_name", "phone"):
        for message in public.errors[field]:
            assert page.has_text(message), message
    enquiry.refresh_from_db()
    assert enquiry.email == "dana@example.org"


def anonymise(enquiry: Enquiry) -> None:
    """What the retention schedule and an erasure do to the row (see enquiry.data_protection)."""
    Enquiry.objects.filter(pk=enquiry.pk).update(
        anonymised_at=timezone.now(),
        first_name="",
        last_name="",
        email="",
        phone="",
        postcode="",
        question="",
    )


def test_an_edit_sent_after_the_enquiry_was_anonymised_restores_nothing(people, enquiries, client):
    enquiry = enquiries["derby"]
    client.force_login(people["hub"])
    url = reverse("enquiries:edit", args=[enquiry.pk])
    assert client.get(url).status_code == 200  # the form is open in a browser tab...
    anonymise(enquiry)  # ...while the retention schedule runs

    response = client.post(url, details_of(enquiry, phone="07700 900999"))
    assert response.status_code == 302
    assert response.url == reverse("enquiries:inspect", args=[enquiry.pk])
    page = parse(client.get(response.url))
    assert page.has_text("personal data was removed: it cannot be edited")
    fresh = Enquiry.objects.get(pk=enquiry.pk)
    assert fresh.is_anonymised
    assert (fresh.first_name, fresh.email, fresh.phone, fresh.postcode) == ("", "", "", "")
    assert not fresh.history.filter(action=EnquiryHistory.Action.NOTE).exists()


def test_saving_an_edit_reads_the_enquiry_again_and_refuses_an_anonymised_one(people, enquiries):
    """The enquiry is anonymised after the edit view loaded it, just before the save."""
    loaded = Enquiry.objects.get(pk=enquiries["derby"].pk)
    form = EnquiryDetailsEditForm(data=details_of(loaded, phone="07700 900999"), instance=loaded)
    assert form.is_valid(), form.errors
    anonymise(loaded)

    with pytest.raises(EnquiryAnonymised):
        form.save(by=people["hub"])
    fresh = Enquiry.objects.get(pk=loaded.pk)
    assert fresh.is_anonymised
    assert (fresh.first_name, fresh.last_name, fresh.phone) == ("", "", "")


def test_a_stage_change_or_handover_made_meanwhile_survives_an_edit(
    people, enquiries, councils, client
):
    enquiry = enquiries["unsure"]
    client.force_login(people["hub"])
    url = reverse("enquiries:edit", args=[enquiry.pk])
    assert client.get(url).status_code == 200
    Enquiry.objects.get(pk=enquiry.pk).move_to(Stage.CONTACTED, by=people["hub"])

    response = client.post(url, details_of(enquiry, phone="07700 900111"))
    assert response.status_code == 302
    fresh = Enquiry.objects.get(pk=enquiry.pk)
    assert (fresh.stage, fresh.contacted_on, fresh.phone) == (
        Stage.CONTACTED,
        timezone.localdate(),
        "07700 900111",
    )

    # Between the edit view loading the enquiry and saving it: only the details are written.
    loaded = Enquiry.objects.get(pk=enquiry.pk)
    form = EnquiryDetailsEditForm(data=details_of(loaded, postcode="NG1 1AA"), instance=loaded)
    assert form.is_valid(), form.errors
    other = Enquiry.objects.get(pk=enquiry.pk)
    other.move_to(Stage.VISIT_BOOKED, by=people["hub"])
    other.hand_over(councils["nottingham"], by=people["hub"])
    form.save(by=people["hub"])

    fresh = Enquiry.objects.get(pk=enquiry.pk)
    assert (fresh.stage, fresh.visit_booked_on) == (Stage.VISIT_BOOKED, timezone.localdate())
    assert (fresh.council, fresh.handed_over_on) == (councils["nottingham"], timezone.localdate())
    assert (fresh.postcode, fresh.postcode_district, fresh.phone) == (
        "NG1 1AA",
        "NG1",
        "07700 900111",
    )


# --- Recording an enquiry that came by phone, email or in person ---------------------------------


def test_staff_record_a_phone_enquiry(people, councils, client):
    client.force_login(people["hub"])
    response = client.post(
        reverse("enquiries:add"),
        staff_enquiry(keep_in_touch=["phone"], council="not-sure"),
    )
    assert response.status_code == 302
    enquiry = Enquiry.objects.get(email="jo@example.org")
    assert response.url == reverse("enquiries:inspect", args=[enquiry.pk])
    assert enquiry.received_via == ReceivedVia.PHONE
    assert enquiry.entered_by == people["hub"]
    assert enquiry.council is None
    assert REFERENCE_RE.fullmatch(enquiry.reference)
    created = enquiry.history.get(action=EnquiryHistory.Action.CREATED)
    assert (created.by, created.to_value) == (people["hub"], "Phone call")
    consent = enquiry.consents.get()
    assert consent.channel == KeepInTouchConsent.Channel.PHONE
    assert str(KEEP_IN_TOUCH_SCRIPT["phone"]) in consent.wording
    assert "phone call" in consent.wording
    # No acknowledgement email for an enquiry taken by phone; the hub is still told.
    topics = set(
        OutboxMessage.objects.filter(reference=enquiry.reference).values_list("topic", flat=True)
    )
    assert "enquiry.acknowledgement" not in topics

    page = parse(client.get(response.url))
    assert page.has_text("Phone call")
    assert page.has_text("Recorded by Hana Hub")


def test_a_recorded_enquiry_has_the_public_forms_validation(people, councils, client):
    client.force_login(people["hub"])
    bad = staff_enquiry(
        first_name="", email="jo@", postcode="NOT A POSTCODE", phone="12", received_via=None
    )
    response = client.post(reverse("enquiries:add"), bad)
    assert response.status_code == 200
    page = parse(response)
    public = EnquiryDetailsForm(data=bad)
    assert not public.is_valid()
    for field in ("first_name", "email", "postcode", "phone"):
        for message in public.errors[field]:
            assert page.has_text(message), message
    assert page.has_text("Select how the enquiry came in")
    assert not Enquiry.objects.exists()


def test_a_recorded_enquiry_cannot_claim_to_come_from_the_website(people, councils, client):
    client.force_login(people["hub"])
    response = client.post(reverse("enquiries:add"), staff_enquiry(received_via="website"))
    assert response.status_code == 200
    assert parse(response).has_text("Select how the enquiry came in")
    assert not Enquiry.objects.exists()


def test_council_staff_record_enquiries_only_for_their_council(people, councils, client):
    client.force_login(people["derby"])
    page = parse(client.get(reverse("enquiries:add")))
    assert page.has_text("Derby City Council")
    assert not page.has_text("Nottingham City Council")
    assert not page.has_text("I'm not sure yet")

    for council in ("nottingham", "not-sure", None):
        response = client.post(reverse("enquiries:add"), staff_enquiry(council=council))
        assert response.status_code == 200, council
        assert parse(response).has_text("Select a council")
    assert not Enquiry.objects.exists()

    response = client.post(reverse("enquiries:add"), staff_enquiry(received_via="email"))
    assert response.status_code == 302
    enquiry = Enquiry.objects.get()
    assert (enquiry.council, enquiry.received_via, enquiry.entered_by) == (
        councils["derby"],
        ReceivedVia.EMAIL,
        people["derby"],
    )


def hidden_token(response) -> str:
    """The submission token the "Record an enquiry" form was shown with."""
    match = re.search(
        r'<input type="hidden" name="submission_token" value="([^"]*)"', response.content.decode()
    )
    assert match, "no submission token in the form"
    return match.group(1)


def test_recording_the_same_form_twice_records_one_enquiry(people, councils, client):
    client.force_login(people["hub"])
    token = hidden_token(client.get(reverse("enquiries:add")))
    assert uuid.UUID(token)
    data = staff_enquiry(submission_token=token)

    first = client.post(reverse("enquiries:add"), data)
    assert first.status_code == 302
    enquiry = Enquiry.objects.get()
    messages_sent = OutboxMessage.objects.count()

    again = client.post(reverse("enquiries:add"), data)  # a double click, or Back and resubmit
    assert again.status_code == 302
    assert again.url == reverse("enquiries:inspect", args=[enquiry.pk])
    assert Enquiry.objects.count() == 1
    assert enquiry.history.filter(action=EnquiryHistory.Action.CREATED).count() == 1
    assert OutboxMessage.objects.count() == messages_sent
    page = parse(client.get(again.url))
    assert page.has_text(f"This enquiry was already recorded as {enquiry.reference}.")

    # A new form is a new enquiry, even with the same details.
    other = hidden_token(client.get(reverse("enquiries:add")))
    assert other != token
    assert (
        client.post(reverse("enquiries:add"), staff_enquiry(submission_token=other)).status_code
        == 302
    )
    assert Enquiry.objects.count() == 2


def test_a_repeated_form_does_not_name_an_enquiry_the_person_can_no_longer_see(
    people, councils, client
):
    client.force_login(people["derby"])
    data = staff_enquiry(submission_token=hidden_token(client.get(reverse("enquiries:add"))))
    first = client.post(reverse("enquiries:add"), data)
    assert first.status_code == 302
    client.get(first.url)  # the enquiry page, with the "recorded" message
    enquiry = Enquiry.objects.get()
    enquiry.hand_over(councils["nottingham"], by=people["hub"])

    again = client.post(reverse("enquiries:add"), data)
    assert again.status_code == 302
    assert again.url == reverse("enquiries:index")
    page = parse(client.get(again.url))
    assert page.has_text("This enquiry was already recorded.")
    assert not page.has_text(enquiry.reference)
    assert Enquiry.objects.count() == 1


def test_the_token_is_kept_when_the_form_is_shown_again_with_errors(people, councils, client):
    client.force_login(people["hub"])
    token = hidden_token(client.get(reverse("enquiries:add")))
    response = client.post(
        reverse("enquiries:add"), staff_enquiry(submission_token=token, phone="12")
    )
    assert response.status_code == 200
    assert hidden_token(response) == token

    fixed = staff_enquiry(submission_token=hidden_token(response))
    assert client.post(reverse("enquiries:add"), fixed).status_code == 302
    assert client.post(reverse("enquiries:add"), fixed).status_code == 302
    assert Enquiry.objects.count() == 1
    assert Enquiry.objects.get().submission_token == uuid.UUID(token)


@pytest.mark.parametrize("token", [None, "", "not-a-uuid", "1234"])
def test_a_missing_or_altered_token_records_nothing(token, people, councils, client):
    client.force_login(people["hub"])
    response = client.post(reverse("enquiries:add"), staff_enquiry(submission_token=token))
    assert response.status_code == 200
    assert parse(response).has_text("The form could not be checked.")
    assert not Enquiry.objects.exists()
    # The form comes back with a good token, so sending it again works.
    fresh = hidden_token(response)
    assert uuid.UUID(fresh)
    assert (
        client.post(reverse("enquiries:add"), staff_enquiry(submission_token=fresh)).status_code
        == 302
    )
    assert Enquiry.objects.count() == 1


# --- No deleting, and the small admin pieces -----------------------------------------------------


def test_nobody_deletes_an_enquiry_in_the_admin(people, enquiries, client, make_user):
    admin = make_user("admin", is_superuser=True)
    enquiry = enquiries["derby"]
    with pytest.raises(NoReverseMatch):
        reverse("enquiries:delete", args=[enquiry.pk])
    for person in (admin, people["hub"]):
        client.force_login(person)
        assert client.post(f"/admin/enquiries/delete/{enquiry.pk}/").status_code == 404
        # No delete button on the enquiry (the sidebar's "Erase a person's data" is a separate,
        # recorded data-protection action).
        page = parse(client.get(reverse("enquiries:inspect", args=[enquiry.pk])))
        assert not [link for link in page.links if "/delete/" in link.href]
        assert not page.has_text("Delete")
    assert Enquiry.objects.filter(pk=enquiry.pk).exists()


@pytest.mark.parametrize("role", ["hub", "hub_comms"])
def test_hub_staff_edit_the_how_did_you_hear_answers(role, people, client):
    client.force_login(people[role])
    response = client.post(
        reverse("wagtailsnippets_enquiry_hearaboutoption:add"),
        {"label": "Local radio", "is_active": "on"},
    )
    assert response.status_code == 302
    option = HearAboutOption.objects.get(label="Local radio")
    response = client.post(
        reverse("wagtailsnippets_enquiry_hearaboutoption:edit", args=[option.pk]),
        {"label": "Local radio"},
    )
    assert response.status_code == 302
    option.refresh_from_db()
    assert not option.is_active  # no longer offered on the form
    assert parse(client.get(reverse("wagtailsnippets_enquiry_hearaboutoption:list"))).has_text(
        "Local radio"
    )


@pytest.mark.parametrize("role", ["derby", "marketing", "derby_comms"])
def test_others_cannot_edit_the_how_did_you_hear_answers(role, people, client):
    client.force_login(people[role])
    assert_refused(client.get(reverse("wagtailsnippets_enquiry_hearaboutoption:list")))
    assert_refused(
        client.post(reverse("wagtailsnippets_enquiry_hearaboutoption:add"), {"label": "Sneaky"})
    )
    assert not HearAboutOption.objects.filter(label="Sneaky").exists()


def test_hub_enquiry_officers_see_the_spam_counts(people, client):
    for reason in ("honeypot", "honeypot", "too_fast"):
        RejectedSubmission.record(reason)
    client.force_login(people["hub"])
    page = parse(client.get(reverse("enquiry_spam_report")))
    assert page.has_text("Filled the hidden field 2")
    assert page.has_text("Sent too quickly after the form was shown 1")
    for role in ("derby", "marketing", "hub_comms"):
        client.force_login(people[role])
        assert_refused(client.get(reverse("enquiry_spam_report")))
