"""The public events pages: the upcoming listing with its filters, the archive and an event.

The filters are a plain GET form, so they work without JavaScript and a filtered listing is a
link someone can bookmark or share. Every page runs a fixed number of SQL queries however many
events there are: cards get their hosts, images and confirmed places with the page of events.

Times are stored aware and always shown in Europe/London (where the events happen), in the
visitor's language: "Tuesday 3 March 2026, 6pm to 8pm".
"""

from __future__ import annotations

import datetime
import json
import zoneinfo
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import IntegerField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import formats, timezone, translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core import fragments
from core.dates import day_date
from core.forms import GovUKBoundField
from core.localization import below, in_language, tagged_in_language
from core.pages import with_card_image
from councils.models import Council, HubSettings

from .models import EventFormat, EventIndexPage, EventPage, EventType, Registration

LONDON = zoneinfo.ZoneInfo("Europe/London")
PER_PAGE = 12
HUB = "hub"  # the council filter's value for events the hub hosts itself

INDEX_TEMPLATE = "events/event_index_page.html"
EVENT_TEMPLATE = "events/event_page.html"


# -- Dates and times ---------------------------------------------------------------------------


def local(value: datetime.datetime) -> datetime.datetime:
    return value.astimezone(LONDON)


def clock(value: datetime.datetime) -> str:
    """A time of day: GOV.UK style in English ("6pm", "6:30pm", "midday"), else the locale's."""
    value = local(value)
    if not translation.get_language().startswith("en"):
        return formats.time_format(value.time(), "TIME_FORMAT")
    if value.hour == 12 and value.minute == 0:
        return gettext("midday")
    if value.hour == 0 and value.minute == 0:
        return gettext("midnight")
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{hour}{suffix}" if value.minute == 0 else f"{hour}:{value.minute:02d}{suffix}"


def day(value: datetime.datetime) -> str:
    """ "Tuesday 3 March 2026", "Wtorek, 3 marca 2026": the active language's own format."""
    return day_date(local(value))


def event_when(event: EventPage) -> str:
    """When an event happens, in Europe/London: one day, or a start and end on different days."""
    starts, ends = local(event.starts_at), local(event.ends_at)
    if starts.date() == ends.date():
        return gettext("%(day)s, %(start)s to %(end)s") % {
            "day": day(starts),
            "start": clock(starts),
            "end": clock(ends),
        }
    return gettext("%(start_day)s, %(start)s to %(end_day)s, %(end)s") % {
        "start_day": day(starts),
        "start": clock(starts),
        "end_day": day(ends),
        "end": clock(ends),
    }


# -- Places ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Availability:
    """Whether and how people can book: a code for styling/schema.org and the words to show."""

    code: str  # no_booking | ended | closed | full | places | open
    label: str

    @property
    def schema_availability(self) -> str:
        return {
            "full": "https://schema.org/SoldOut",
            "closed": "https://schema.org/SoldOut",
            "ended": "https://schema.org/SoldOut",
            "places": "https://schema.org/LimitedAvailability",
        }.get(self.code, "https://schema.org/InStock")


def availability(event: EventPage, places_taken: int | None = None) -> Availability:
    """What the page and cards say about booking. Pass `places_taken` when the listing has
    counted it already (cards), so no query runs per event."""
    if not event.booking_required:
        return Availability("no_booking", gettext("No booking needed"))
    if event.has_ended:
        return Availability("ended", gettext("This event has ended"))
    if not event.booking_open:
        return Availability("closed", gettext("Booking closed"))
    if event.capacity is None:
        return Availability("open", gettext("Places available"))
    taken = event.places_taken() if places_taken is None else places_taken
    left = max(event.capacity - taken, 0)
    if left == 0:
        return Availability("full", gettext("Fully booked: join the waiting list"))
    return Availability(
        "places",
        ngettext("%(count)d place left", "%(count)d places left", left) % {"count": left},
    )


def for_cards(events: QuerySet) -> QuerySet:
    """Events with what a card shows, fetched with the events: image, hosts, confirmed places."""
    confirmed = (
        Registration.objects.filter(
            event__translation_key=OuterRef("translation_key"),
            status=Registration.Status.CONFIRMED,
        )
        .values("event__translation_key")
        .annotate(total=Sum("places"))
        .values("total")
    )
    return (
        with_card_image(events)
        .prefetch_related("hosts")
        .annotate(
            confirmed_places=Coalesce(
                Subquery(confirmed, output_field=IntegerField()),
                Value(0),
                output_field=IntegerField(),
            )
        )
    )


def card_details(events) -> list[dict[str, Any]]:
    """What each card shows beyond the page itself (no queries: everything is prefetched)."""
    return [
        {
            "event": event,
            "when": event_when(event),
            "availability": availability(event, getattr(event, "confirmed_places", 0)),
            "hosts": list(event.hosts.all()),
        }
        for event in events
    ]


def upcoming_with(council: Council, locale_id: int, count: int = 3) -> list[dict[str, Any]]:
    """The next `count` live events a council runs or co-hosts, soonest first, each once in the
    language of `locale_id`, as event cards (three queries however many events: the events,
    their hosts, image renditions). A council's page shows them."""
    events = EventPage.objects.live().public().upcoming().hosted_by(council)
    return card_details(for_cards(in_language(events, locale_id))[:count])


# -- The filter form ---------------------------------------------------------------------------


class FilterBoundField(GovUKBoundField):
    """Ties each control to its hint and error (Django would use its own hint id)."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        attrs.pop("aria-describedby", None)
        if self.aria_describedby:
            attrs["aria-describedby"] = self.aria_describedby
        if self.errors:
            attrs["aria-invalid"] = "true"
        return attrs


class EventFilterForm(forms.Form):
    """Council, format, type and a date range, read from the query string."""

    bound_field_class = FilterBoundField
    use_required_attribute = False

    def __init__(self, *args, hub_name: str = "", **kwargs) -> None:
        kwargs.setdefault("auto_id", "filter-%s")
        super().__init__(*args, **kwargs)
        councils = Council.objects.active().order_by("name").values_list("short_name", "name")
        hub_label = hub_name or gettext("the hub")
        self.fields["council"] = forms.ChoiceField(
            label=_("Council"),
            required=False,
            choices=[
                ("", gettext("Any council")),
                *councils,
                (HUB, gettext("Events run by %(hub)s") % {"hub": hub_label}),
            ],
            error_messages={"invalid_choice": _("Select a council from the list")},
        )
        self.fields["format"] = forms.ChoiceField(
            label=_("Format"),
            required=False,
            choices=[("", _("Any format")), *EventFormat.choices],
            error_messages={"invalid_choice": _("Select a format from the list")},
        )
        self.fields["type"] = forms.ChoiceField(
            label=_("Type of event"),
            required=False,
            choices=[("", _("Any type of event")), *EventType.choices],
            error_messages={"invalid_choice": _("Select a type of event from the list")},
        )
        for name, label, hint in (
            ("from", pgettext_lazy("start of a date range", "From"), _("For example, 2026-03-27")),
            ("to", pgettext_lazy("end of a date range", "To"), _("For example, 2026-04-30")),
        ):
            self.fields[name] = forms.DateField(
                label=label,
                help_text=hint,
                required=False,
                input_formats=["%Y-%m-%d", "%d/%m/%Y", "%d %m %Y"],
                widget=forms.DateInput(attrs={"type": "date", "class": "input input--date"}),
                error_messages={
                    "invalid": _("Enter a real date, for example 2026-03-27")
                    if name == "from"
                    else _("Enter a real date, for example 2026-04-30")
                },
            )
        for name in ("council", "format", "type"):
            self.fields[name].widget.attrs["class"] = "input select"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("from"), cleaned.get("to")
        for name in ("from", "to"):
            chosen = cleaned.get(name)
            if chosen and not 2000 <= chosen.year <= timezone.localdate().year + 5:
                self.add_error(
                    name, _("Enter a date between the year 2000 and five years from now")
                )
                cleaned[name] = None
        start, end = cleaned.get("from"), cleaned.get("to")
        if start and end and end < start:
            self.add_error("to", _("The ‘To’ date must be the same as or after the ‘From’ date"))
        return cleaned

    def apply(self, events: QuerySet) -> QuerySet:
        """The events that match every filter that was filled in correctly (a wrong one is
        reported and ignored, so the page still lists events)."""
        data = self.cleaned_data if self.is_bound else {}
        council = data.get("council")
        if council == HUB:
            events = events.filter(hosts__isnull=True)
        elif council:
            events = events.filter(hosts__short_name=council)
        if data.get("format"):
            events = events.filter(format=data["format"])
        if data.get("type"):
            events = events.filter(event_type=data["type"])
        if data.get("from"):
            events = events.filter(starts_at__gte=start_of(data["from"]))
        if data.get("to"):
            events = events.filter(starts_at__lt=start_of(data["to"] + datetime.timedelta(days=1)))
        return events

    @property
    def filtering(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in self.fields)

    def error_summary(self) -> list[dict[str, str]]:
        return [
            {"href": f"#{field.anchor_id}", "message": str(field.first_error)}
            for field in self
            if field.errors
        ]


def start_of(date: datetime.date) -> datetime.datetime:
    """Midnight at the start of a UK date."""
    return datetime.datetime.combine(date, datetime.time(0), tzinfo=LONDON)


# -- Views -------------------------------------------------------------------------------------


def _hub_name(request: HttpRequest) -> str:

    return HubSettings.for_request(request).hub_name


def paginate(events: QuerySet, request: HttpRequest) -> PaginatorPage:
    return Paginator(events, PER_PAGE).get_page(request.GET.get("page"))


def index_view(page: EventIndexPage, request: HttpRequest) -> HttpResponse:
    """Upcoming events, soonest first, with the filters from the query string."""
    params = {key: value for key, value in request.GET.items() if key != "page"}
    form = EventFilterForm(params or None, hub_name=_hub_name(request))
    events = below(EventPage.objects.live().public(), page, children=True).upcoming()
    if form.is_bound:
        form.is_valid()
        events = form.apply(events)
    page_obj = paginate(for_cards(in_language(events, page.locale_id)), request)
    context = page.get_context(request)
    context.update(
        {
            "filter_form": form,
            "error_summary": form.error_summary() if form.is_bound else [],
            "events": page_obj,
            "cards": card_details(page_obj),
            "filtering": form.filtering,
            "archive_url": page.url + page.reverse_subpage("past_events"),
            "index_url": page.url,
        }
    )
    return TemplateResponse(request, INDEX_TEMPLATE, context)


def archive_view(page: EventIndexPage, request: HttpRequest) -> HttpResponse:
    """Events that have ended, most recent first."""
    events = below(EventPage.objects.live().public(), page, children=True).past()
    page_obj = paginate(for_cards(in_language(events, page.locale_id)), request)
    context = page.get_context(request)
    context.update(
        {
            "archive": True,
            "events": page_obj,
            "cards": card_details(page_obj),
            "index_url": page.url,
        }
    )
    return TemplateResponse(request, INDEX_TEMPLATE, context)


def event_view(page: EventPage, request: HttpRequest) -> HttpResponse:
    """The event page: what, when, where, who hosts it, and whether and how to book."""
    context = page.get_context(request)
    hosts = list(page.hosts.all())
    fostering_types = list(tagged_in_language(page.fostering_types, page.locale_id))
    page_url = page.get_url(request=request) or ""
    offer = availability(page)  # one count of the places, for the page and its JSON-LD
    context.update(
        {
            "when": event_when(page),
            "hosts": hosts,
            "fostering_types": fostering_types,
            "availability": offer,
            "booking_url": page_url + page.reverse_subpage("booking") if page.can_book else "",
            "calendar_url": page_url + page.reverse_subpage("calendar_file"),
            "event_json_ld": json_ld_script(event_json_ld(page, request, hosts, offer)),
        }
    )
    return TemplateResponse(request, EVENT_TEMPLATE, context)


# -- schema.org Event --------------------------------------------------------------------------

ATTENDANCE_MODE = {
    EventFormat.IN_PERSON: "https://schema.org/OfflineEventAttendanceMode",
    EventFormat.ONLINE: "https://schema.org/OnlineEventAttendanceMode",
    EventFormat.HYBRID: "https://schema.org/MixedEventAttendanceMode",
}


def event_json_ld(
    event: EventPage,
    request: HttpRequest,
    hosts: list[Council] | None = None,
    offer: Availability | None = None,
) -> dict[str, Any]:
    """The event as schema.org/Event for search engines. Never the joining details: an online
    event's location is its page on our site, where people book to receive them."""
    page_url = event.get_full_url(request=request) or ""
    hosts = list(event.hosts.all()) if hosts is None else hosts
    locations: list[dict[str, Any]] = []
    if event.in_person:
        locations.append(
            {
                "@type": "Place",
                "name": event.venue_name,
                "address": {"@type": "PostalAddress", **_address_parts(event.venue_address)}
                | {"postalCode": event.venue_postcode, "addressCountry": "GB"},
            }
        )
    if event.is_online:
        locations.append({"@type": "VirtualLocation", "url": page_url})
    if hosts:
        organizer: list[dict[str, Any]] | dict[str, Any] = [
            {"@type": "GovernmentOrganization", "name": council.name}
            | ({"url": council.fostering_url} if getattr(council, "fostering_url", "") else {})
            for council in hosts
        ]
    else:
        organizer = {
            "@type": "Organization",
            "name": _hub_name(request),
            "url": _site_root_url(request),
        }
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "description": event.summary,
        "url": page_url,
        "startDate": local(event.starts_at).isoformat(),
        "endDate": local(event.ends_at).isoformat(),
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": ATTENDANCE_MODE.get(event.format, ATTENDANCE_MODE["in_person"]),
        "location": locations[0] if len(locations) == 1 else locations,
        "organizer": organizer,
        "isAccessibleForFree": True,
        "inLanguage": translation.to_locale(translation.get_language()).replace("_", "-"),
    }
    image = _image_url(event, request)
    if image:
        data["image"] = [image]
    if event.booking_required:
        offer = offer or availability(event)
        data["offers"] = {
            "@type": "Offer",
            "price": "0",
            "priceCurrency": "GBP",
            "availability": offer.schema_availability,
            "url": page_url + event.reverse_subpage("booking") if event.can_book else page_url,
        }
    return data


def _address_parts(address: str) -> dict[str, str]:
    """ "Wardwick\nDerby" -> street "Wardwick", locality "Derby": a UK address's last line is
    its town (the postcode is a field of its own)."""
    lines = [line.strip().rstrip(",") for line in address.splitlines() if line.strip()]
    if len(lines) < 2:
        return {"streetAddress": lines[0]} if lines else {}
    return {"streetAddress": ", ".join(lines[:-1]), "addressLocality": lines[-1]}


def _image_url(event: EventPage, request: HttpRequest) -> str:
    """The event's card (or sharing) image, as the page's og:image gives it: 1200x630 JPEG,
    by its full address (kept in the fragment cache: no query once made)."""
    image = event.sharing_image
    if image is None:
        return ""

    def make() -> str:
        url = image.get_rendition("fill-1200x630|format-jpeg").url
        return url if url.startswith(("http://", "https://")) else request.build_absolute_uri(url)

    return fragments.get_or_make(
        "event-image-url", (image.pk, image.file.name, request.scheme, request.get_host()), make
    )


def _site_root_url(request: HttpRequest) -> str:
    """The site's own address (as in the page URLs), not whatever host the request used."""
    from wagtail.models import Site

    site = Site.find_for_request(request)
    return (site.root_url + "/") if site else request.build_absolute_uri("/")


_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def json_ld_script(data: dict[str, Any]) -> SafeString:
    """A `<script type="application/ld+json">` that no content can break out of (as
    `json_script` escapes: <, > and & become \\u escapes). Browsers do not run this type."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))
