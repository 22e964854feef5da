"""Saving an enquiry: the one boundary where the enquiry, its consents, its history and its
notifications are written together, in one transaction."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext
from wagtail.models import Site

from attribution.attribute import attribution_fields
from core import duplicates
from core.postcodes import outward_code
from councils.models import Council, HubSettings
from outbox.queue import queue_email, queue_webhook

from .emails import acknowledgement_words
from .models import (
    Enquiry,
    EnquiryHistory,
    HearAboutOption,
    KeepInTouchConsent,
    ReceivedVia,
    ReferenceCounter,
    history_author,
)
from .signals import enquiry_recorded


@dataclass
class EnquiryDetails:
    """What the person told us, already validated by a form."""

    first_name: str
    last_name: str
    email: str
    phone: str
    postcode: str
    spare_bedroom: str
    contact_method: str
    contact_time: str
    council: Council | None = None
    fostering_types: list = field(default_factory=list)
    question: str = ""
    heard_about: HearAboutOption | None = None
    # channel -> the exact wording shown next to the ticked box
    consents: dict[str, str] = field(default_factory=dict)


def person_fields(details) -> dict[str, Any]:
    """The columns a person's details fill on any record of ours (an enquiry, a booking): their
    name and contact details, the postcode district the reports keep, and how they heard about
    us with the words of the answer they chose."""
    return {
        "first_name": details.first_name,
        "last_name": details.last_name,
        "email": details.email,
        "phone": details.phone,
        "postcode": details.postcode,
        "postcode_district": outward_code(details.postcode),
        "heard_about": details.heard_about,
        "heard_about_label": details.heard_about.label if details.heard_about else "",
    }


def enquiry_fingerprint(details: EnquiryDetails) -> str:
    """The fingerprint of an enquiry's answers (`core.duplicates`): the email address, the
    name, the council and a hash of every other answer."""
    text = duplicates.normalised_text
    rest = {
        "phone": duplicates.digits(details.phone),
        "postcode": text(details.postcode).replace(" ", ""),
        "spare_bedroom": details.spare_bedroom,
        "contact_method": details.contact_method,
        "contact_time": details.contact_time,
        "question": text(details.question),
        "fostering_types": sorted(page.pk for page in details.fostering_types),
        "heard_about": details.heard_about.pk if details.heard_about else None,
        "keep_in_touch": sorted(details.consents),
    }
    rest_hash = hashlib.sha256(json.dumps(rest, sort_keys=True).encode()).hexdigest()
    return duplicates.keyed(
        "enquiry",
        {
            "email": text(details.email),
            "name": [text(details.first_name), text(details.last_name)],
            "council": details.council.pk if details.council else None,
            "rest": rest_hash,
        },
    )


def find_enquiry(
    fingerprint: str, token: uuid.UUID | None, *, now: datetime | None = None
) -> Enquiry | None:
    """The enquiry these answers (within ENQUIRY_DUPLICATE_WINDOW_HOURS) or this very form
    already made, or None."""
    # An enquiry saved before fingerprints (or anonymised since) has none: "" matches nothing.
    match = Q(pk__in=[])
    if fingerprint:
        match |= Q(fingerprint=fingerprint, created_at__gte=duplicates.window_start(now))
    if token is not None:
        match |= Q(submission_token=token)
    return Enquiry.objects.filter(match).order_by("created_at", "pk").first()


def record_enquiry(
    details: EnquiryDetails,
    *,
    submission_token: uuid.UUID | None = None,
    received_via: str = ReceivedVia.WEBSITE,
    entered_by=None,
    language: str | None = None,
    touches: tuple[dict | None, dict | None] | None = None,
    staff_campaign=None,
    staff_channel: str = "",
    received_at=None,
    released_by=None,
    release_note: str = "",
) -> tuple[Enquiry, bool]:
    """Save an enquiry with its consents, history and notifications; return (enquiry, created).

    The same submission token twice (a double click, a resubmitted page), or the same answers
    again within ENQUIRY_DUPLICATE_WINDOW_HOURS (Back and Send, a second tab: see
    `enquiry_fingerprint`; website enquiries only: staff recording a call decide themselves,
    by their form's token), returns the enquiry the first post saved, with created=False, and
    sends nothing more.

    A post held as suspected spam and released by staff (`enquiry.quarantine.release`) is saved
    with the time it came in (`received_at`): its reference, its history and its consents are
    dated then, and a note in the history says who released it (`released_by`, `release_note`).
    An enquiry staff took earlier (`received_at` with `entered_by`: a call on Friday typed in on
    Monday) is Friday's, in its reference, consents, touch and the reports; its history row is
    written now, by them, dated Friday, with a note saying both days when they differ.

    Attribution (see attribution.attribute): `touches` is the (first, last non-direct) pair a
    website visit left; enquiries staff enter are "staff-entered" unless they picked a channel
    (`staff_channel`), with the campaign they picked (`staff_campaign`).
    """
    token = submission_token or uuid.uuid4()
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    recorded_at = timezone.now()
    now = received_at or recorded_at
    first, last = touches or (None, None)
    fingerprint = enquiry_fingerprint(details)
    try:
        with transaction.atomic():
            duplicates.lock(fingerprint)
            # Staff recording a call decide for themselves: only their form's token counts.
            by_answers = received_via == ReceivedVia.WEBSITE and entered_by is None
            existing = find_enquiry(fingerprint if by_answers else "", token, now=now)
            if existing is not None:
                return existing, False
            attribution = attribution_fields(
                first,
                last,
                entered_by_staff=received_via != ReceivedVia.WEBSITE or entered_by is not None,
                staff_channel=staff_channel,
                staff_campaign=staff_campaign,
                at=now,
            )
            enquiry = Enquiry.objects.create(
                reference=ReferenceCounter.next_reference(timezone.localdate(now).year),
                submission_token=token,
                fingerprint=fingerprint,
                created_at=now,
                received_via=received_via,
                entered_by=entered_by,
                language=language,
                **person_fields(details),
                question=details.question,
                council=details.council,
                spare_bedroom=details.spare_bedroom,
                contact_method=details.contact_method,
                contact_time=details.contact_time,
                **attribution,
            )
            enquiry.fostering_types.set(details.fostering_types)
            KeepInTouchConsent.objects.bulk_create(
                KeepInTouchConsent(
                    enquiry=enquiry,
                    channel=channel,
                    wording=wording,
                    language=language,
                    given_at=now,
                )
                for channel, wording in details.consents.items()
            )
            EnquiryHistory.objects.create(
                enquiry=enquiry,
                # Staff entering an earlier enquiry write this row now; anything else, then.
                at=recorded_at if entered_by is not None else now,
                by=entered_by,
                by_name=history_author(entered_by, "Website form"),
                action=EnquiryHistory.Action.CREATED,
                to_value=ReceivedVia(received_via).label,
                effective_on=timezone.localdate(now),
                note=entered_later_note(now, recorded_at) if entered_by is not None else "",
            )
            if released_by is not None or release_note:
                EnquiryHistory.objects.create(
                    enquiry=enquiry,
                    by=released_by,
                    by_name=history_author(released_by),
                    action=EnquiryHistory.Action.NOTE,
                    effective_on=timezone.localdate(),
                    note=release_note,
                )
            queue_notifications(enquiry)
            # Apps above this one add theirs (events links the person's earlier bookings).
            enquiry_recorded.send(sender=Enquiry, enquiry=enquiry)
    except IntegrityError:
        existing = Enquiry.objects.filter(submission_token=token).first()
        if existing is None:
            raise
        return existing, False
    return enquiry, True


def entered_later_note(received_at: datetime, recorded_at: datetime) -> str:
    """The history's words for an enquiry staff typed in on a later day than it came in."""
    received, recorded = timezone.localtime(received_at), timezone.localtime(recorded_at)
    if received.date() == recorded.date():
        return ""
    return gettext("Came in on %(received)s; entered on %(recorded)s.") % {
        "received": date_format(received, "l j F Y, H:i"),
        "recorded": date_format(recorded, "l j F Y, H:i"),
    }


def admin_url(enquiry: Enquiry) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(
        "enquiries:inspect", args=[enquiry.pk]
    )


def queue_notifications(enquiry: Enquiry) -> None:
    """Queue the acknowledgement, the hub and council notifications and the council webhook.

    Emails carry the reference and an admin link, never the person's details; only the signed
    webhook to the council's own system (under the data sharing agreement) carries them.
    """

    site = Site.objects.filter(is_default_site=True).first()
    hub = HubSettings.for_site(site) if site else HubSettings()
    context = {"enquiry": enquiry, "hub": hub, "admin_url": admin_url(enquiry)}

    if enquiry.received_via == ReceivedVia.WEBSITE:
        # The enquiry page's words as written in the person's language (enquiry.emails).
        words = context | acknowledgement_words(hub, enquiry.language)
        with translation.override(enquiry.language):
            queue_email(
                topic="enquiry.acknowledgement",
                reference=enquiry.reference,
                to=[enquiry.email],
                subject=render_to_string(
                    "enquiry/email/acknowledgement_subject.txt", words
                ).strip(),
                body=render_to_string("enquiry/email/acknowledgement.txt", words),
            )
    with translation.override(settings.LANGUAGE_CODE):
        staff_subject = render_to_string("enquiry/email/new_enquiry_subject.txt", context).strip()
        staff_body = render_to_string("enquiry/email/new_enquiry.txt", context)
    queue_email(
        topic="enquiry.hub_notification",
        reference=enquiry.reference,
        to=[hub.enquiry_notification_email],
        subject=staff_subject,
        body=staff_body,
    )
    if enquiry.council and enquiry.council.handover_email:
        queue_email(
            topic="enquiry.council_notification",
            reference=enquiry.reference,
            to=[enquiry.council.handover_email],
            subject=staff_subject,
            body=staff_body,
        )
    if enquiry.council:
        queue_webhook(
            council=enquiry.council,
            topic="enquiry.created",
            reference=enquiry.reference,
            payload=webhook_payload(enquiry),
        )


def webhook_payload(enquiry: Enquiry) -> dict:
    """The enquiry as the council's case-management system receives it."""
    return {
        "reference": enquiry.reference,
        "received_at": enquiry.created_at.isoformat(),
        "received_via": enquiry.received_via,
        "language": enquiry.language,
        "council": enquiry.council.short_name if enquiry.council else None,
        "first_name": enquiry.first_name,
        "last_name": enquiry.last_name,
        "email": enquiry.email,
        "phone": enquiry.phone,
        "postcode": enquiry.postcode,
        "fostering_types": [page.title for page in enquiry.fostering_types.all()],
        "spare_bedroom": enquiry.spare_bedroom,
        "contact_method": enquiry.contact_method,
        "contact_time": enquiry.contact_time,
        "question": enquiry.question,
        "heard_about": enquiry.heard_about_label,
        "keep_in_touch": sorted(c.channel for c in enquiry.consents.all()),
    }


def queue_handover_notification(enquiry: Enquiry) -> None:
    """Tell the council's fostering team that the hub has handed an enquiry to them.

    Like the other staff emails it carries the reference and an admin link, never personal data.
    """
    if not (enquiry.council and enquiry.council.handover_email):
        return
    context = {"enquiry": enquiry, "admin_url": admin_url(enquiry)}
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("enquiry/email/handover_subject.txt", context).strip()
        body = render_to_string("enquiry/email/handover.txt", context)
    queue_email(
        topic="enquiry.handover",
        reference=enquiry.reference,
        to=[enquiry.council.handover_email],
        subject=subject,
        body=body,
    )
