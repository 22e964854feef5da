"""Who sees which event booking: the one row-level rule every bookings view reads through.

`RegistrationQuerySet.for_user` is the rule (attach it to `Registration` with
`objects = RegistrationQuerySet.as_manager()`); `visible_registrations(user)` reaches it without
that line, so the admin works whichever way the model is wired. `events_with_numbers(user)` is the
matching rule for the counts-only "Event numbers" view.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models

from councils.models import councils_of

if TYPE_CHECKING:
    from django.db.models import QuerySet

VIEW_ALL = "enquiry.view_all_enquiries"
VIEW_REGISTRATIONS = "events.view_registration"
CHANGE_REGISTRATIONS = "events.change_registration"
VIEW_NUMBERS = "events.view_event_numbers"


class RegistrationQuerySet(models.QuerySet):
    def for_user(self, user) -> RegistrationQuerySet:
        """The bookings this person may see, with names.

        Hub enquiry officers (enquiry.view_all_enquiries) see every booking; a council's fostering
        staff (events.view_registration) see bookings for events their council hosts; everyone
        else — comms officers and marketing leads included — sees none (they get counts only).
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.has_perm(VIEW_ALL) and user.has_perm(VIEW_REGISTRATIONS):
            return self
        if not user.has_perm(VIEW_REGISTRATIONS):
            return self.none()
        from .models import EventPage

        hosted = EventPage.objects.filter(hosts__in=councils_of(user)).values("pk")
        return self.filter(event__in=hosted)


def visible_registrations(user) -> RegistrationQuerySet:
    """`Registration.objects.for_user(user)`, whether or not the manager is attached yet."""
    from .models import Registration

    return RegistrationQuerySet(model=Registration).for_user(user)


def events_with_numbers(user) -> QuerySet:
    """The events whose booking counts this person may see (counts carry no personal data).

    Anyone with events.view_event_numbers (hub comms, marketing leads, hub enquiry officers)
    sees every event; a council's fostering staff see the events their council hosts.
    """
    from .models import EventPage

    # The English originals: bookings made on a translation belong to them.
    events = EventPage.objects.filter(locale__language_code=settings.LANGUAGE_CODE)
    if not user.is_authenticated or not user.is_active:
        return events.none()
    if user.has_perm(VIEW_NUMBERS) or (
        user.has_perm(VIEW_ALL) and user.has_perm(VIEW_REGISTRATIONS)
    ):
        return events
    if user.has_perm(VIEW_REGISTRATIONS):
        return events.filter(pk__in=events.filter(hosts__in=councils_of(user)).values("pk"))
    return events.none()


def can_see_numbers(user) -> bool:
    return user.is_active and (user.has_perm(VIEW_NUMBERS) or user.has_perm(VIEW_REGISTRATIONS))
