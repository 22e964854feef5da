"""Reclassify stored enquiries after the classification rules change (a new RULESET_VERSION).

Each enquiry keeps the raw touches it arrived with, so the current rules can be run over them
again. Only the channel, its rule and the ruleset version change; the touches, the campaign and
the person's own "How did you hear about us?" answer stay as they are, and so does a channel
staff corrected (`Enquiry.correct_source`).
"""

from __future__ import annotations

from collections import Counter

from django.core.management.base import BaseCommand
from django.db import transaction

from attribution.attribute import STAFF_CORRECTED_RULE, classify_touches, first_touch_channel
from attribution.classification import RULESET_VERSION, Touch
from attribution.touches import classification_context, to_dict
from enquiry.models import Enquiry, ReceivedVia

FIELDS = ["channel", "channel_rule", "ruleset_version", "first_channel"]


class Command(BaseCommand):
    help = "Re-run channel classification on enquiries classified under an older ruleset."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count the changes without saving them."
        )
        parser.add_argument(
            "--all", action="store_true", help="Reclassify every enquiry, not only older ones."
        )
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args, dry_run: bool, all: bool, batch_size: int, **options):
        context = classification_context()
        # A channel a hub enquiry officer corrected stands: the rules never knew better.
        queryset = Enquiry.objects.exclude(channel_rule=STAFF_CORRECTED_RULE)
        if not all:
            queryset = queryset.exclude(ruleset_version=RULESET_VERSION)
        queryset = queryset.only(
            "pk", "first_touch", "last_touch", "received_via", "entered_by", *FIELDS
        ).order_by("pk")
        moves: Counter[tuple[str, str]] = Counter()
        checked = 0
        last_pk = 0
        while True:
            batch = list(queryset.filter(pk__gt=last_pk)[:batch_size])
            if not batch:
                break
            last_pk = batch[-1].pk
            changed = []
            for enquiry in batch:
                checked += 1
                first, last = enquiry.first_touch, enquiry.last_touch
                if not (first or last) and (
                    enquiry.received_via != ReceivedVia.WEBSITE or enquiry.entered_by_id
                ):
                    # Entered by staff before touches were stored.
                    first = last = to_dict(Touch.for_staff())
                result = classify_touches(first, last, context)
                first_result = first_touch_channel(first, last, context)
                new = (
                    result.channel.value,
                    result.rule,
                    result.ruleset_version,
                    first_result.channel.value,
                )
                if new == tuple(getattr(enquiry, name) for name in FIELDS):
                    continue
                moves[(enquiry.channel or "(none)", new[0])] += 1
                (
                    enquiry.channel,
                    enquiry.channel_rule,
                    enquiry.ruleset_version,
                    enquiry.first_channel,
                ) = new
                changed.append(enquiry)
            if changed and not dry_run:
                with transaction.atomic():
                    Enquiry.objects.bulk_update(changed, FIELDS)
        verb = "Would change" if dry_run else "Changed"
        for (old, new), count in sorted(moves.items()):
            self.stdout.write(f"{old} -> {new}: {count}")
        self.stdout.write(
            f"{verb} {sum(moves.values())} of {checked} enquiries checked "
            f"(ruleset {RULESET_VERSION})."
        )
