"""The iCal feed of upcoming events (`/events/calendar/`, optionally `?council=<short_name>`).

The VEVENTs are `events.ics.vevent`, the same as each event's own `.ics` (same UID, so a calendar
that has both updates one entry), and the calendar around them is `events.ics.calendar` (built
with icalendar, with the Europe/London VTIMEZONE). The feed is public: it never carries an
event's joining details, which only people who book receive.
"""

from __future__ import annotations

import re

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone

from core.localization import below, in_language
from councils.models import Council

from .ics import CONTENT_TYPE, UID_DOMAIN, calendar, vevent
from .models import EventPage


def feed_view(index_page, request: HttpRequest) -> HttpResponse:
    """Upcoming live events under this index, soonest first; `?council=` keeps one council's.

    An unknown or inactive council answers 404 rather than an empty calendar, so a mistyped
    subscription is noticed.
    """
    events = below(EventPage.objects.live().public(), index_page, children=True).upcoming()
    name = index_page.title
    uid = f"feed-{index_page.pk}@{UID_DOMAIN}"
    short_name = request.GET.get("council", "").strip()
    if short_name:
        if not re.fullmatch(r"[-a-z0-9_]{1,60}", short_name):
            raise Http404("No such council")
        council = Council.objects.filter(short_name=short_name, is_active=True).first()
        if council is None:
            raise Http404
        events = events.hosted_by(council)
        name = f"{index_page.title}: {council.name}"
        uid = f"feed-{index_page.pk}-{council.short_name}@{UID_DOMAIN}"
    events = in_language(events, index_page.locale_id)
    now = timezone.now()
    body = calendar(
        (
            vevent(event, url=event.get_full_url(request), with_joining_details=False, stamp=now)
            for event in events
        ),
        name=name,
        uid=uid,
    )
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = 'inline; filename="events.ics"'
    return response
