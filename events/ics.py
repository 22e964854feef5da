"""iCalendar (RFC 5545) files for events: one event's `.ics`, and the VEVENT the feed reuses.

Built with the icalendar library, which does the escaping, line folding and CRLF line ends.
Times are given in Europe/London with the VTIMEZONE icalendar derives from zoneinfo
(`add_missing_timezones`), so a calendar shows the right time on either side of the clock change.
Joining details of an online event are private: they go into the file only when
`with_joining_details=True`, which only the booking emails ask for; the public download and the
feed never carry them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vText

LONDON = ZoneInfo("Europe/London")
TZID = "Europe/London"
PRODID = "-//Fostering hub//Events//EN"
# A fixed domain part: the UID must not change when the site moves or is seen under another host.
UID_DOMAIN = "events.fostering-hub"
CONTENT_TYPE = "text/calendar; charset=utf-8"


def event_uid(event) -> str:
    """The same for an event however often it is downloaded, and in whichever language (its
    translations share the translation key), so calendars update, not duplicate."""
    return f"event-{event.translation_key}@{UID_DOMAIN}"


def event_location(event) -> str:
    if event.in_person:
        parts = [event.venue_name, *event.venue_address.splitlines(), event.venue_postcode]
        place = ", ".join(part.strip() for part in parts if part and part.strip())
        return f"{place} ({_('and online')})" if event.is_online else place
    return _("Online")


def event_description(event, *, url: str, with_joining_details: bool) -> str:
    parts = [event.listing_summary or ""]
    if event.in_person and event.access_information:
        parts.append(_("Access: %(info)s") % {"info": event.access_information})
    if with_joining_details and event.is_online and event.joining_details:
        parts.append(_("How to join online: %(details)s") % {"details": event.joining_details})
    parts.append(url)
    return "\n\n".join(part.strip() for part in parts if part and part.strip())


def vevent(
    event,
    *,
    url: str | None = None,
    with_joining_details: bool = False,
    stamp: datetime | None = None,
) -> Event:
    """One event's VEVENT (the feed puts several in one calendar with `calendar`)."""
    url = url or event.get_full_url()
    component = Event.new(
        uid=event_uid(event),
        stamp=stamp or timezone.now(),
        start=timezone.localtime(event.starts_at, LONDON),
        end=timezone.localtime(event.ends_at, LONDON),
        summary=event.title,
        description=event_description(event, url=url, with_joining_details=with_joining_details),
        url=url,
    )
    component.add("location", vText(event_location(event)))
    if getattr(event, "last_published_at", None):
        component.add("last-modified", event.last_published_at)
    return component


def calendar(events: Iterable[Event], *, name: str = "", uid: str = "") -> bytes:
    """A whole VCALENDAR around these VEVENTs, with the Europe/London VTIMEZONE, as UTF-8."""
    cal = Calendar.new(
        prodid=PRODID,
        calscale="GREGORIAN",
        method="PUBLISH",
        name=name or None,
        uid=uid or f"calendar@{UID_DOMAIN}",
    )
    years: list[int] = []
    for component in events:
        cal.add_component(component)
        years += [component.start.year, component.end.year]
    if years:
        # The VTIMEZONE's rules only for the years the events span, which keeps the file small.
        cal.add_missing_timezones(
            first_date=date(min(years) - 1, 1, 1), last_date=date(max(years) + 1, 12, 31)
        )
    return cal.to_ical()


def event_calendar(event, *, with_joining_details: bool = False, url: str | None = None) -> bytes:
    """The `.ics` for one event; joining details only for the booking emails."""
    return calendar(
        [vevent(event, url=url, with_joining_details=with_joining_details)],
        uid=event_uid(event),
    )


def ics_filename(event) -> str:
    return f"{event.slug or 'event'}.ics"


def event_ics_view(page, request: HttpRequest) -> HttpResponse:
    """The public "Add to calendar" download (never with joining details)."""
    body = event_calendar(page, url=page.get_full_url(request))
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{ics_filename(page)}"'
    return response
