"""A public form's post, checked and saved the one way every form of the site is.

The enquiry form and the event booking form (and whatever public form comes next) meet the same
rules, so they go through this one flow rather than each keeping a copy:

1. a filled honeypot is discarded (counted, never saved: no person can fill it in);
2. an invalid form comes back with what was typed (a missing or stale token counted as such);
3. the same answers, or the very same form, sent again find the first post, saved or held: no
   allowance is used and nothing new is held;
4. a valid new post the checks doubt (too fast, over the rate limit) is held for staff to review
   (`enquiry.quarantine`), unless the kind's hold finds it was saved meanwhile;
5. otherwise it is saved, with where the person came from.

Each kind of post says how to fingerprint, find, hold and save its answers (`PostKind`); the
views say what the person sees next. Nothing here logs what the person typed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils import translation

from attribution import capture
from core import spam
from core.errors import mark_submission_saved

from . import quarantine
from .models import RejectedSubmission


@dataclass(frozen=True)
class Received:
    """What became of a post: `record` saved (`created` False when it was an earlier one found
    again), or `held` (held for review or discarded: the person sees the same calm page), or
    neither (`form` has errors to show)."""

    record: Any = None
    created: bool = False
    held: bool = False


class PostKind:
    """One kind of public post: its name in the spam counts and how its answers are kept."""

    form_name = "enquiry"
    # The saved record's class: a hold that finds the post already saved returns one of these.
    record_class: type = object

    def details(self, form) -> Any:
        return form.to_details()

    def fingerprint(self, details) -> str:
        raise NotImplementedError

    def find(self, details, fingerprint: str, token: uuid.UUID) -> Any:
        """The record this post already made, or None."""
        raise NotImplementedError

    def hold(self, details, **kwargs) -> tuple[Any, bool]:
        """Hold the post for review: (the held post or a record found meanwhile, created)."""
        raise NotImplementedError

    def save(self, details, **kwargs) -> tuple[Any, bool]:
        """Save the post: (record, created). May raise for a reason the view shows."""
        raise NotImplementedError


def receive(request: HttpRequest, form, kind: PostKind) -> Received:
    """Check and keep one posted `form` of this kind (see the module docstring for the order)."""
    if spam.honeypot_filled(request.POST):
        RejectedSubmission.count_post(spam.Reason.HONEYPOT, form=kind.form_name)
        return Received(held=True)
    if not form.is_valid():
        if form.token is None:
            # Missing, tampered with or too old: say so, keep the answers, issue a fresh token.
            RejectedSubmission.count_post(spam.Reason.EXPIRED, form=kind.form_name)
        return Received()

    details = kind.details(form)
    token = form.token.submission
    fingerprint = kind.fingerprint(details)
    # The same answers again are not a new send: no allowance used, nothing held.
    record = kind.find(details, fingerprint, token)
    if record is None and quarantine.find_held(fingerprint, token) is not None:
        return Received(held=True)
    keep = {
        "submission_token": token,
        "language": translation.get_language(),
        "touches": capture.touches_for_enquiry(request, request.POST.get(capture.LANDING_FIELD)),
    }
    if record is None and (reason := spam.hold_reason(request, form.token, kind.form_name)):
        found, created = kind.hold(details, reason=reason, **keep)
        if created:
            RejectedSubmission.count_post(reason, form=kind.form_name)
        if not isinstance(found, kind.record_class):
            mark_submission_saved(request)
            return Received(held=True)
        record = found
    created = False
    if record is None:
        record, created = kind.save(details, **keep)
    mark_submission_saved(request)
    return Received(record=record, created=created)
