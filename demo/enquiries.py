"""Demo enquiries, so the admin lists, filters and (later) reports have something to show.

All people are invented; their addresses use the reserved example domain. Each has a fixed
submission token, so loading twice finds it instead of creating it again. Their outgoing messages
are cancelled at once: demo content never sends email.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from councils.models import Council
from enquiry.models import ClosedReason, Enquiry, HearAboutOption
from enquiry.services import EnquiryDetails, record_enquiry
from fostering_types.models import FosteringTypePage
from outbox.models import OutboxMessage

from . import content
from .campaigns import demo_touches, load_demo_campaigns

NAMESPACE = uuid.UUID("6f1c2b1e-3a55-4c1d-9a53-2d7a0b0e6a11")

# (first, last, council short name or None, types, heard about, days ago, stage path, via)
# A stage path is a list of (stage, days after the enquiry) steps; closing adds a reason.
ENQUIRIES = [
    ("Aisha", "Rahman", "derby", ["short-term", "teenagers"], 0, 2, [], "website"),
    ("Tom", "Hendry", "derby", ["short-breaks"], 1, 9, [("contacted", 1)], "website"),
    (
        "Priya",
        "Shah",
        "derby",
        ["long-term"],
        6,
        20,
        [("contacted", 1), ("visit_booked", 5), ("visit_done", 12)],
        "website",
    ),
    (
        "Gareth",
        "Moss",
        "derby",
        ["emergency"],
        3,
        75,
        [("contacted", 2), ("visit_booked", 6), ("visit_done", 14), ("application", 40)],
        "phone",
    ),
    ("Joanne", "Pike", "derbyshire", ["parent-and-child"], 5, 4, [], "website"),
    (
        "Kwame",
        "Asante",
        "derbyshire",
        ["sibling-groups"],
        7,
        33,
        [("contacted", 1), ("visit_booked", 8)],
        "website",
    ),
    (
        "Hannah",
        "Reid",
        "derbyshire",
        ["short-term"],
        4,
        60,
        [("contacted", 3), ("closed:withdrawn", 20)],
        "website",
    ),
    (
        "Ewa",
        "Nowak",
        "nottingham",
        ["unaccompanied-children"],
        0,
        12,
        [("contacted", 1)],
        "website",
    ),
    (
        "Marcus",
        "Bell",
        "nottingham",
        ["teenagers"],
        2,
        48,
        [("contacted", 1), ("visit_booked", 4), ("visit_done", 10), ("application", 30)],
        "website",
    ),
    (
        "Sophie",
        "Clarke",
        "nottingham",
        ["short-breaks"],
        8,
        90,
        [("contacted", 2), ("keep_in_touch", 9)],
        "email",
    ),
    (
        "Imran",
        "Qureshi",
        "nottinghamshire",
        ["long-term", "sibling-groups"],
        9,
        7,
        [("contacted", 2)],
        "website",
    ),
    (
        "Lucy",
        "Fenwick",
        "nottinghamshire",
        ["staying-put"],
        1,
        150,
        [
            ("contacted", 1),
            ("visit_booked", 7),
            ("visit_done", 15),
            ("application", 45),
            ("approved", 140),
        ],
        "website",
    ),
    ("Dean", "Harper", None, [], 10, 1, [], "website"),
    ("Nadia", "Begum", None, ["therapeutic"], 6, 15, [("contacted", 2)], "in_person"),
    (
        "Chris",
        "Oakley",
        "derby",
        ["short-term"],
        0,
        120,
        [("contacted", 1), ("closed:not_eligible", 3)],
        "website",
    ),
]


# Synthetic enquiries (`manage.py seed_enquiries`) behind the named ones, so the reports and
# lists show realistic volumes: "Synthetic Enquirer" people at @example.invalid addresses.
SYNTHETIC_ENQUIRIES = 2000


def load_demo_enquiries(loader) -> None:
    """Create the demo enquiries that do not exist yet (see the module docstring)."""

    for position, label in enumerate(content.HEAR_ABOUT):
        if not HearAboutOption.objects.originals().filter(label=label).exists():
            HearAboutOption.objects.create(label=label, sort_order=position)
            loader.created("answer", label)
    load_demo_campaigns(loader)
    answers = list(HearAboutOption.objects.originals().order_by("sort_order"))
    types = {
        page.slug: page
        for page in FosteringTypePage.objects.filter(locale__language_code=settings.LANGUAGE_CODE)
    }
    councils = {council.short_name: council for council in Council.objects.all()}
    today = timezone.localdate()

    for first, last, council, type_slugs, answer, days_ago, path, via in ENQUIRIES:
        token = uuid.uuid5(NAMESPACE, f"{first} {last}")
        if Enquiry.objects.filter(submission_token=token).exists():
            continue
        enquiry, _created = record_enquiry(
            EnquiryDetails(
                first_name=first,
                last_name=last,
                email=f"{first}.{last}@example.com".lower(),
                phone="07700 900" + f"{len(first) * 37 + len(last):03d}"[-3:],
                postcode="DE1 1AA" if council in ("derby", None) else "NG1 1AA",
                spare_bedroom="yes" if days_ago % 3 else "not_yet",
                contact_method="phone" if days_ago % 2 else "email",
                contact_time="evening" if days_ago % 4 == 0 else "any",
                council=councils.get(council) if council else None,
                fostering_types=[types[slug] for slug in type_slugs if slug in types],
                heard_about=answers[answer % len(answers)] if answers else None,
                consents={"email": "Email me news about fostering and events."}
                if days_ago % 2 == 0
                else {},
            ),
            submission_token=token,
            received_via=via,
            touches=demo_touches(first) if via == "website" else None,
        )
        received = timezone.now() - timedelta(days=days_ago)
        Enquiry.objects.filter(pk=enquiry.pk).update(
            created_at=received, received_on=timezone.localdate(received)
        )
        enquiry.history.update(at=received, effective_on=received.date())
        enquiry.refresh_from_db()
        for step, after in path:
            stage, _sep, reason = step.partition(":")
            on = min(received.date() + timedelta(days=after), today)
            enquiry.move_to(stage, on=on, closed_reason=ClosedReason(reason) if reason else "")
            enquiry.history.filter(effective_on=on).update(
                at=timezone.make_aware(timezone.datetime.combine(on, timezone.datetime.min.time()))
                + timedelta(hours=10)
            )
        OutboxMessage.objects.filter(reference=enquiry.reference).update(
            status=OutboxMessage.Status.CANCELLED, last_error="Demo content: never sent."
        )
        loader.created("enquiry", enquiry.reference)


def load_synthetic_enquiries(loader) -> None:
    """Seed the synthetic enquiries once (over the demo campaigns; never twice)."""
    from django.core.management import call_command

    if Enquiry.objects.filter(reference__startswith="SEED-").exists():
        return
    call_command(
        "seed_enquiries",
        count=SYNTHETIC_ENQUIRIES,
        months=18,
        seed=2026,
        verbosity=0,
    )
    loader.created("synthetic enquiry", "Synthetic Enquirer", count=SYNTHETIC_ENQUIRIES)
